// The C ABI of libauthsignal_terminal (include/authsignal_terminal.h), declared for P/Invoke.
//
// Every string goes in as a NUL-terminated UTF-8 byte[] made by Utf8.ToNative and comes out
// as an IntPtr read by Utf8.FromNative: netstandard2.0 has no UTF-8 string marshalling
// that works on every runtime. C's bool is one byte, hence the I1 marshalling.
using System;
using System.Runtime.InteropServices;

namespace Authsignal.Terminal.Interop
{
    internal static class NativeMethods
    {
        /// <summary>The name every runtime maps to authsignal_terminal.dll, libauthsignal_terminal.so or .dylib.</summary>
        internal const string Library = "authsignal_terminal";

        /// <summary>The C ABI's as_log_callback.</summary>
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void LogCallback(IntPtr userData, int level, IntPtr message);

        // An explicit type initializer runs before the first call below, so on .NET
        // Framework the copy of the library that matches the process is loaded first.
        static NativeMethods()
        {
            NativeLibraryLoader.EnsureLoaded();
        }

        // The session.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr as_payment_session_challenge_id(PaymentSessionHandle s);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int as_payment_session_status(PaymentSessionHandle s);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr as_payment_session_status_str(PaymentSessionHandle s);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr as_payment_session_reference(PaymentSessionHandle s);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr as_payment_session_journal_error(PaymentSessionHandle s);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void as_payment_session_free(IntPtr s);

        // Options.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern TerminalResult as_client_options_new(out ClientOptionsHandle o);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern TerminalResult as_client_options_set_region(ClientOptionsHandle o, uint region);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern TerminalResult as_client_options_set_base_url(ClientOptionsHandle o, byte[] baseUrl);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern TerminalResult as_client_options_set_connect_timeout_ms(ClientOptionsHandle o, uint ms);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern TerminalResult as_client_options_set_request_timeout_ms(ClientOptionsHandle o, uint ms);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern TerminalResult as_client_options_set_poll_interval_ms(ClientOptionsHandle o, uint ms);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern TerminalResult as_client_options_set_ca_file(ClientOptionsHandle o, byte[] pemPath);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern TerminalResult as_client_options_set_use_system_roots(ClientOptionsHandle o,
            [MarshalAs(UnmanagedType.I1)] bool enabled);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern TerminalResult as_client_options_set_proxy(ClientOptionsHandle o, byte[] proxyUrl);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern TerminalResult as_client_options_set_user_agent_suffix(ClientOptionsHandle o, byte[] suffix);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern TerminalResult as_client_options_set_journal_path(ClientOptionsHandle o, byte[] path);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern TerminalResult as_client_options_set_journal_lifetime_ms(ClientOptionsHandle o, uint ms);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern TerminalResult as_client_options_set_journal_retention_ms(ClientOptionsHandle o, ulong ms);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void as_client_options_free(IntPtr o);

        // The client.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern TerminalResult as_client_new(ClientOptionsHandle options, out ClientHandle client);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern TerminalResult as_client_create_payment_session_minor(ClientHandle c,
            byte[] terminalId, long amountMinor, byte[] currency, byte[] reference, out PaymentSessionHandle session);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern TerminalResult as_client_get_payment_session(ClientHandle c,
            byte[] terminalId, byte[] challengeId, out PaymentSessionHandle session);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern TerminalResult as_client_wait_payment_session(ClientHandle c,
            byte[] terminalId, byte[] challengeId, uint timeoutMs, CancelTokenHandle cancel,
            out PaymentSessionHandle session);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void as_client_free(IntPtr c);

        // The payment journal.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern TerminalResult as_client_find_payment_session(ClientHandle c, byte[] reference,
            out JournalEntryHandle entry);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern TerminalResult as_client_forget_reference(ClientHandle c, byte[] reference);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr as_journal_entry_reference(JournalEntryHandle e);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr as_journal_entry_challenge_id(JournalEntryHandle e);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int as_journal_entry_status(JournalEntryHandle e);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr as_journal_entry_status_str(JournalEntryHandle e);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        [return: MarshalAs(UnmanagedType.I1)]
        internal static extern bool as_journal_entry_outcome_unknown(JournalEntryHandle e);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern long as_journal_entry_created_at_ms(JournalEntryHandle e);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void as_journal_entry_free(IntPtr e);

        // Cancel tokens.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CancelTokenHandle as_cancel_token_new();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void as_cancel_token_cancel(CancelTokenHandle t);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void as_cancel_token_free(IntPtr t);

        // Money, errors, version, logging.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int as_currency_exponent(byte[] currency);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr as_last_error_message();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int as_last_error_http_status();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr as_last_error_server_code();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        [return: MarshalAs(UnmanagedType.I1)]
        internal static extern bool as_last_error_outcome_unknown();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr as_result_name(uint result);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr as_version();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern TerminalResult as_set_log_callback(LogCallback callback, IntPtr userData, uint maxLevel);

        // The diagnosis.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern TerminalResult as_client_diagnose(ClientHandle c, byte[] terminalId, out IntPtr diagnosis);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr as_diagnosis_json(IntPtr d);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr as_diagnosis_text(IntPtr d);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        [return: MarshalAs(UnmanagedType.I1)]
        internal static extern bool as_diagnosis_passed(IntPtr d);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void as_diagnosis_free(IntPtr d);
    }
}
