// The outcome codes of the native library, with the numbers of its as_result.
namespace Authsignal.Terminal
{
    /// <summary>
    /// What a call into the native library gave: the C ABI's <c>as_result</c>, with the
    /// same numbers (which never change). <see cref="AuthsignalTerminalException.Result"/>
    /// carries it.
    /// </summary>
    public enum TerminalResult
    {
        /// <summary>Success (<c>AS_RESULT_OK</c>); never carried by an exception.</summary>
        Ok = 0,

        /// <summary>
        /// Refused before any network I/O: a bad terminal id, challenge id, amount, currency
        /// or option (<c>AS_RESULT_INVALID_ARGUMENT</c>).
        /// </summary>
        InvalidArgument = 1,

        /// <summary>HTTP 401: the terminal id is unknown or not paired (<c>AS_RESULT_UNAUTHORIZED</c>).</summary>
        Unauthorized = 2,

        /// <summary>HTTP 400 and other 4xx not listed here (<c>AS_RESULT_INVALID_REQUEST</c>).</summary>
        InvalidRequest = 3,

        /// <summary>HTTP 404: no such session for this terminal (<c>AS_RESULT_NOT_FOUND</c>).</summary>
        NotFound = 4,

        /// <summary>HTTP 429 (<c>AS_RESULT_RATE_LIMITED</c>).</summary>
        RateLimited = 5,

        /// <summary>HTTP 5xx (<c>AS_RESULT_SERVER_ERROR</c>).</summary>
        ServerError = 6,

        /// <summary>A connect, request or overall deadline passed (<c>AS_RESULT_TIMEOUT</c>).</summary>
        Timeout = 7,

        /// <summary>DNS, connect, reset or proxy failure (<c>AS_RESULT_NETWORK</c>).</summary>
        Network = 8,

        /// <summary>
        /// TLS handshake or certificate failure (<c>AS_RESULT_TLS</c>); see
        /// <see cref="TerminalClientOptions.UseSystemRoots"/> and <see cref="TerminalClientOptions.CaFile"/>.
        /// </summary>
        Tls = 9,

        /// <summary>
        /// An answer the library cannot accept: bad JSON, missing fields, over 64 KiB, a
        /// redirect (<c>AS_RESULT_PROTOCOL</c>).
        /// </summary>
        Protocol = 10,

        /// <summary>A wait was cancelled (<c>AS_RESULT_CANCELLED</c>).</summary>
        Cancelled = 11,

        /// <summary>
        /// A wait's timeout passed while the session was still pending
        /// (<c>AS_RESULT_STILL_PENDING</c>); waiting again is safe.
        /// </summary>
        StillPending = 12,

        /// <summary>A bug in the native library, caught there (<c>AS_RESULT_INTERNAL</c>).</summary>
        Internal = 13,

        /// <summary>
        /// The payment journal refused a create before any network I/O: the reference's
        /// last attempt is pending, completed or of unknown outcome
        /// (<c>AS_RESULT_DUPLICATE_REFERENCE</c>); thrown as <see cref="DuplicateReferenceException"/>.
        /// </summary>
        DuplicateReference = 14,

        /// <summary>
        /// The payment journal cannot be opened, read or written; the message names the path
        /// and the cause (<c>AS_RESULT_JOURNAL</c>).
        /// </summary>
        Journal = 15,
    }
}
