// What TerminalClient.Diagnose found: a plain, immutable .NET object.
namespace Authsignal.Terminal
{
    /// <summary>
    /// The library's diagnosis of a client (what <c>authsignal-terminal doctor</c> prints):
    /// whether any check failed, the text for a support screen, and the JSON report with the
    /// field names the README documents. The terminal id appears in neither, except redacted.
    /// </summary>
    public sealed class TerminalDiagnosis
    {
        internal TerminalDiagnosis(bool passed, string text, string json)
        {
            Passed = passed;
            Text = text;
            Json = json;
        }

        /// <summary>True when no check failed (warnings allowed).</summary>
        public bool Passed { get; }

        /// <summary>One line per check with its verdict and, when it is not ok, a fix.</summary>
        public string Text { get; }

        /// <summary>
        /// The report as one JSON object: <c>passed</c>, <c>checks</c> (<c>name</c>,
        /// <c>verdict</c>, <c>summary</c>, <c>fix</c>), <c>config</c>, <c>proxy</c>,
        /// <c>dns</c>, <c>tcp</c>, <c>tls</c>, <c>clock</c>, <c>terminal_id</c>.
        /// </summary>
        public string Json { get; }
    }
}
