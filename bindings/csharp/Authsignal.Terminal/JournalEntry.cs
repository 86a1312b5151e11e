// What the payment journal knows about one reference: a plain, immutable .NET object.
using System;

namespace Authsignal.Terminal
{
    /// <summary>
    /// What the payment journal (<see cref="TerminalClientOptions.JournalPath"/>) knows about
    /// the last create for one POS reference. Immutable; holds no native resource.
    /// </summary>
    public sealed class JournalEntry
    {
        /// <summary>Makes an entry from its parts, e.g. for the POS's own tests.</summary>
        /// <param name="reference">The POS reference.</param>
        /// <param name="challengeId">The session's challenge id, or null when the outcome is unknown.</param>
        /// <param name="status">The last status seen, or null when the outcome is unknown.</param>
        /// <param name="statusRaw">That status as the server sent it, or null.</param>
        /// <param name="outcomeUnknown">Whether the create may or may not have made a session.</param>
        /// <param name="createdAt">When the create was started.</param>
        public JournalEntry(string reference, string challengeId, PaymentStatus? status, string statusRaw,
            bool outcomeUnknown, DateTimeOffset createdAt)
        {
            Reference = reference;
            ChallengeId = challengeId;
            Status = status;
            StatusRaw = statusRaw;
            OutcomeUnknown = outcomeUnknown;
            CreatedAt = createdAt;
        }

        /// <summary>The POS reference.</summary>
        public string Reference { get; }

        /// <summary>
        /// The challenge id of the session the create made, to wait on with
        /// <see cref="TerminalClient.WaitPaymentSession"/>; null when the outcome is unknown.
        /// </summary>
        public string ChallengeId { get; }

        /// <summary>The last status seen (the create's answer or a later read); null when the outcome is unknown.</summary>
        public PaymentStatus? Status { get; }

        /// <summary>The last status exactly as the server sent it, or null.</summary>
        public string StatusRaw { get; }

        /// <summary>
        /// True when the create may or may not have made a session: the terminal may be
        /// prompting. Check it; once it shows nothing, call <see cref="TerminalClient.ForgetReference"/>.
        /// </summary>
        public bool OutcomeUnknown { get; }

        /// <summary>When the create was started (UTC).</summary>
        public DateTimeOffset CreatedAt { get; }

        /// <summary>The entry for logs (it holds no secret).</summary>
        /// <returns>For example <c>JournalEntry(Reference=order-42, ChallengeId=..., Status=Pending)</c>.</returns>
        public override string ToString()
        {
            return "JournalEntry(Reference=" + Reference + ", ChallengeId=" + (ChallengeId ?? "null")
                + ", Status=" + (Status.HasValue ? Status.Value.ToString() : "null")
                + ", OutcomeUnknown=" + OutcomeUnknown + ")";
        }
    }
}
