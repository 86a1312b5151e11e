// The one place that turns a failed native call into an exception.
namespace Authsignal.Terminal.Interop
{
    internal static class NativeError
    {
        /// <summary>
        /// Throws for a result other than Ok. The last error is thread-local in the library
        /// and lives until this thread's next call into it, so this must run on the thread
        /// that made the failing call, straight after it.
        /// </summary>
        internal static void Check(TerminalResult result)
        {
            if (result != TerminalResult.Ok)
            {
                throw FromLastError(result);
            }
        }

        internal static AuthsignalTerminalException FromLastError(TerminalResult result)
        {
            // The message pointer is only valid until the next call: copy it first.
            string message = Utf8.FromNative(NativeMethods.as_last_error_message());
            string serverCode = Utf8.FromNative(NativeMethods.as_last_error_server_code());
            int httpStatus = NativeMethods.as_last_error_http_status();
            bool outcomeUnknown = NativeMethods.as_last_error_outcome_unknown();
            if (string.IsNullOrEmpty(message))
            {
                message = ResultName(result);
            }
            else if (result == TerminalResult.Tls)
            {
                // The library names the settings in words; .NET users get the properties.
                message += " (in .NET: TerminalClientOptions.UseSystemRoots = true, or TerminalClientOptions.CaFile for a CA file)";
            }
            if (result == TerminalResult.DuplicateReference)
            {
                return new DuplicateReferenceException(message);
            }
            return new AuthsignalTerminalException(result, message, httpStatus, serverCode, outcomeUnknown);
        }

        /// <summary>The library's name for a result, e.g. "AS_RESULT_TIMEOUT".</summary>
        internal static string ResultName(TerminalResult result)
        {
            return Utf8.FromNative(NativeMethods.as_result_name(unchecked((uint)result)));
        }
    }
}
