// The native library's log lines, routed into the POS's own log (as_set_log_callback).
using System;
using Authsignal.Terminal.Interop;

namespace Authsignal.Terminal
{
    /// <summary>
    /// Sends the native library's log lines to a handler of the POS's choosing, for the
    /// whole process. Lines say what was sent, each answer's HTTP status and timing,
    /// retries and each poll of a wait; they never contain a terminal id in clear (at most
    /// its last 4 characters), nor request or answer bodies. Logging is off by default.
    /// </summary>
    public static class TerminalLog
    {
        private static readonly object Gate = new object();

        // The one delegate the library ever holds: a static field, so the garbage collector
        // never frees it while native code may still call it.
        private static readonly NativeMethods.LogCallback Callback = OnNativeLog;

        private static volatile Action<TerminalLogLevel, string> handler;

        /// <summary>
        /// Sends log lines up to <paramref name="maxLevel"/> to <paramref name="handler"/>,
        /// replacing any handler set before; null turns logging off.
        /// </summary>
        /// <remarks>
        /// The handler may be called on any thread, on several at once, and during any call
        /// into the library: it must be thread-safe, return promptly, and not call
        /// <see cref="TerminalClient"/> itself. An exception it throws is ignored (it cannot be
        /// allowed to unwind through native code).
        /// </remarks>
        /// <param name="handler">Receives each line's level and text; null turns logging off.</param>
        /// <param name="maxLevel">The most detailed level sent (default <see cref="TerminalLogLevel.Info"/>).</param>
        /// <exception cref="AuthsignalTerminalException">
        /// <see cref="TerminalResult.InvalidArgument"/> for a <paramref name="maxLevel"/> that
        /// is not a <see cref="TerminalLogLevel"/>; the previous handler stays.
        /// </exception>
        public static void SetHandler(Action<TerminalLogLevel, string> handler, TerminalLogLevel maxLevel = TerminalLogLevel.Info)
        {
            NativeLibraryLoader.EnsureLoaded();
            lock (Gate)
            {
                var previous = TerminalLog.handler;
                TerminalLog.handler = handler;
                TerminalResult result = NativeMethods.as_set_log_callback(
                    handler == null ? null : Callback, IntPtr.Zero, unchecked((uint)maxLevel));
                if (result != TerminalResult.Ok)
                {
                    var error = NativeError.FromLastError(result);
                    TerminalLog.handler = previous;
                    throw error;
                }
            }
        }

        private static void OnNativeLog(IntPtr userData, int level, IntPtr message)
        {
            try
            {
                var current = handler;
                if (current != null)
                {
                    current((TerminalLogLevel)level, Utf8.FromNative(message));
                }
            }
            catch (Exception)
            {
                // An exception must not unwind into the library; the handler's own failure
                // is not the library's to report.
            }
        }
    }
}
