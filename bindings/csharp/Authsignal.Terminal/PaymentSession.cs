// A payment session as the server last described it: a plain, immutable .NET object.
namespace Authsignal.Terminal
{
    /// <summary>
    /// A payment session: its challenge id, status and reference, as the server described
    /// it when the call returned. Immutable and holds no native resource, so it needs no
    /// disposing and may be shared between threads.
    /// </summary>
    public sealed class PaymentSession
    {
        /// <summary>
        /// Makes a session from its parts, e.g. to stand in for <see cref="TerminalClient"/>
        /// in the POS's own tests. The library itself builds these from the server's answers.
        /// </summary>
        /// <param name="challengeId">The session's challenge id.</param>
        /// <param name="status">The status, as understood by this version.</param>
        /// <param name="statusRaw">The status exactly as the server sent it.</param>
        /// <param name="reference">The POS reference, or null.</param>
        public PaymentSession(string challengeId, PaymentStatus status, string statusRaw, string reference)
            : this(challengeId, status, statusRaw, reference, null)
        {
        }

        /// <summary>
        /// Makes a session from its parts, with the journal's failure to record it.
        /// </summary>
        /// <param name="challengeId">The session's challenge id.</param>
        /// <param name="status">The status, as understood by this version.</param>
        /// <param name="statusRaw">The status exactly as the server sent it.</param>
        /// <param name="reference">The POS reference, or null.</param>
        /// <param name="journalError">See <see cref="JournalError"/>; null when recorded.</param>
        public PaymentSession(string challengeId, PaymentStatus status, string statusRaw, string reference, string journalError)
        {
            ChallengeId = challengeId;
            Status = status;
            StatusRaw = statusRaw;
            Reference = reference;
            JournalError = journalError;
        }

        /// <summary>
        /// The session's challenge id (the API's <c>challengeId</c>), used to read it
        /// (<see cref="TerminalClient.GetPaymentSession"/>) or wait for it
        /// (<see cref="TerminalClient.WaitPaymentSession"/>).
        /// </summary>
        public string ChallengeId { get; }

        /// <summary>
        /// Where the session stands; <see cref="PaymentStatus.Unknown"/> for a status
        /// this version does not know (see <see cref="StatusRaw"/>).
        /// </summary>
        public PaymentStatus Status { get; }

        /// <summary>The status exactly as the server sent it, e.g. "PENDING".</summary>
        public string StatusRaw { get; }

        /// <summary>The POS reference the server returned, or null when it returned none.</summary>
        public string Reference { get; }

        /// <summary>
        /// Why the client's payment journal could not record this session (for example,
        /// its file was deleted while the client had it open), or null when it did or
        /// there is no journal. The session is real, but the journal will not refuse a
        /// second create for the reference on its own: tell the operator.
        /// </summary>
        public string JournalError { get; }

        /// <summary>The challenge id and status, for logs (a session holds no secret).</summary>
        /// <returns>For example <c>PaymentSession(ChallengeId=..., Status=Completed)</c>.</returns>
        public override string ToString()
        {
            return "PaymentSession(ChallengeId=" + ChallengeId + ", Status=" + Status
                + (Status == PaymentStatus.Unknown ? " \"" + StatusRaw + "\"" : "") + ")";
        }
    }
}
