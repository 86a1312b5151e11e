// The one exception type for every failure the native library reports.
using System;
using System.Globalization;
using System.Runtime.Serialization;
using System.Text;

namespace Authsignal.Terminal
{
    /// <summary>
    /// A call failed: the native library's result and its last error (message, HTTP
    /// status, the server's error code, and whether a create may still have happened).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Every rule lives in the native library, so this is what the library refused or
    /// what went wrong on the way: a value it rejects (a terminal id with spaces, a
    /// malformed currency or challenge id, an amount of zero or with more decimal places
    /// than the currency has, an option out of range) gives
    /// <see cref="TerminalResult.InvalidArgument"/>, before any network I/O.
    /// </para>
    /// <para>
    /// The wrapper throws the standard .NET exceptions, with <c>ParamName</c>, for what it
    /// can tell is wrong before any native call: <see cref="ArgumentNullException"/> for a
    /// required argument that is null, <see cref="ArgumentOutOfRangeException"/> for an
    /// amount of zero or less (or too large for minor units) and for a
    /// <see cref="TimeSpan"/> that is negative or too long for the library's milliseconds,
    /// <see cref="ArgumentException"/> for a currency that is not 3 letters, an amount with
    /// more decimal places than its currency has, and a string a C string cannot carry (a
    /// NUL character, invalid UTF-16),
    /// <see cref="ObjectDisposedException"/> after <see cref="TerminalClient.Dispose"/>, and
    /// <see cref="OperationCanceledException"/> when the caller's
    /// <see cref="System.Threading.CancellationToken"/> ends a wait (its
    /// <see cref="Exception.InnerException"/> is this exception with
    /// <see cref="TerminalResult.Cancelled"/>).
    /// </para>
    /// </remarks>
    [Serializable]
    public class AuthsignalTerminalException : Exception
    {
        /// <summary>
        /// Makes an exception, e.g. to stand in for the library in the POS's own tests.
        /// </summary>
        /// <param name="result">What the call gave; never <see cref="TerminalResult.Ok"/>.</param>
        /// <param name="message">What happened, for logs and people.</param>
        /// <param name="httpStatus">The HTTP status behind the failure, or 0.</param>
        /// <param name="serverCode">The server's error code, or null.</param>
        /// <param name="outcomeUnknown">Whether a create may still have created a session.</param>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="result"/> is <see cref="TerminalResult.Ok"/>.</exception>
        public AuthsignalTerminalException(TerminalResult result, string message, int httpStatus = 0,
            string serverCode = null, bool outcomeUnknown = false)
            : base(message)
        {
            if (result == TerminalResult.Ok)
            {
                throw new ArgumentOutOfRangeException(nameof(result), result, "a success is no exception");
            }
            Result = result;
            HttpStatus = httpStatus;
            ServerCode = serverCode;
            OutcomeUnknown = outcomeUnknown;
        }

        /// <summary>The standard constructor: <see cref="Result"/> is <see cref="TerminalResult.Internal"/>.</summary>
        public AuthsignalTerminalException()
            : this("the Authsignal Terminal library failed")
        {
        }

        /// <summary>The standard constructor: <see cref="Result"/> is <see cref="TerminalResult.Internal"/>.</summary>
        /// <param name="message">What happened.</param>
        public AuthsignalTerminalException(string message)
            : this(message, null)
        {
        }

        /// <summary>The standard constructor: <see cref="Result"/> is <see cref="TerminalResult.Internal"/>.</summary>
        /// <param name="message">What happened.</param>
        /// <param name="innerException">What caused it, or null.</param>
        public AuthsignalTerminalException(string message, Exception innerException)
            : base(message, innerException)
        {
            Result = TerminalResult.Internal;
        }

        /// <summary>Restores an exception that was serialized (e.g. across AppDomains).</summary>
        /// <param name="info">The serialized data.</param>
        /// <param name="context">Where it comes from.</param>
        protected AuthsignalTerminalException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
            Result = (TerminalResult)info.GetInt32(nameof(Result));
            HttpStatus = info.GetInt32(nameof(HttpStatus));
            ServerCode = info.GetString(nameof(ServerCode));
            OutcomeUnknown = info.GetBoolean(nameof(OutcomeUnknown));
        }

        /// <summary>What the call gave (never <see cref="TerminalResult.Ok"/>).</summary>
        public TerminalResult Result { get; }

        /// <summary>
        /// The HTTP status of the server's answer behind the failure; 0 when no HTTP answer
        /// was involved.
        /// </summary>
        public int HttpStatus { get; }

        /// <summary>
        /// The server's error code (Authsignal's <c>errorCode</c>, e.g. "unauthorized"), or
        /// null when the server sent none.
        /// </summary>
        public string ServerCode { get; }

        /// <summary>
        /// True when a create failed in a way that may still have created a payment session
        /// (the request may have reached the server: a timeout or dropped connection after
        /// sending, a 5xx). The terminal may then be prompting the customer: check it before
        /// creating again, since the API has no idempotency key. False for failures that
        /// certainly created nothing, and for every call that is not a create.
        /// </summary>
        public bool OutcomeUnknown { get; }

        /// <summary>
        /// The exception as .NET shows it (type, message, inner exception, stack trace),
        /// with the library's fields after the message, so a logged exception keeps them:
        /// <c>Result=Unauthorized, HttpStatus=401, ServerCode=unauthorized, OutcomeUnknown=False</c>.
        /// </summary>
        /// <returns>The text for logs (never a terminal id in clear).</returns>
        public override string ToString()
        {
            string standard = base.ToString();
            var fields = new StringBuilder();
            fields.Append(" [Result=").Append(Result)
                .Append(", HttpStatus=").Append(HttpStatus.ToString(CultureInfo.InvariantCulture));
            if (ServerCode != null)
            {
                fields.Append(", ServerCode=").Append(ServerCode);
            }
            fields.Append(", OutcomeUnknown=").Append(OutcomeUnknown).Append(']');
            // After the first line ("Type: message"), before the inner exception and the stack.
            int lineEnd = standard.IndexOf(Environment.NewLine, StringComparison.Ordinal);
            string header = GetType().FullName + (string.IsNullOrEmpty(Message) ? "" : ": " + Message);
            int insertAt = standard.StartsWith(header, StringComparison.Ordinal) ? header.Length
                : (lineEnd < 0 ? standard.Length : lineEnd);
            return standard.Insert(insertAt, fields.ToString());
        }

        /// <summary>Stores the exception's fields for serialization.</summary>
        /// <param name="info">Where to store them.</param>
        /// <param name="context">Where they go.</param>
        public override void GetObjectData(SerializationInfo info, StreamingContext context)
        {
            base.GetObjectData(info, context);
            info.AddValue(nameof(Result), (int)Result);
            info.AddValue(nameof(HttpStatus), HttpStatus);
            info.AddValue(nameof(ServerCode), ServerCode);
            info.AddValue(nameof(OutcomeUnknown), OutcomeUnknown);
        }
    }
}
