// How much a log line of the native library matters, with the numbers of as_log_level.
namespace Authsignal.Terminal
{
    /// <summary>
    /// How much a log line matters (the C ABI's <c>as_log_level</c>, same numbers); see
    /// <see cref="TerminalLog.SetHandler"/>.
    /// </summary>
    public enum TerminalLogLevel
    {
        /// <summary>A call failed.</summary>
        Error = 1,

        /// <summary>Something went wrong and was handled, e.g. a retry.</summary>
        Warn = 2,

        /// <summary>One line per request: its answer and how long it took.</summary>
        Info = 3,

        /// <summary>Details: requests as they are sent, each poll of a wait.</summary>
        Debug = 4,
    }
}
