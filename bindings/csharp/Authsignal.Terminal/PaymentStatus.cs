// Where a payment session stands, with the numbers of the C ABI's as_payment_status.
namespace Authsignal.Terminal
{
    /// <summary>
    /// Where a payment session stands (the C ABI's <c>as_payment_status</c>, same numbers).
    /// </summary>
    public enum PaymentStatus
    {
        /// <summary>
        /// The server sent a status this version does not know;
        /// <see cref="PaymentSession.StatusRaw"/> holds it.
        /// </summary>
        Unknown = 0,

        /// <summary>The terminal is prompting the customer.</summary>
        Pending = 1,

        /// <summary>The customer authorized the payment.</summary>
        Completed = 2,

        /// <summary>Nobody acted in time (10 minutes by default).</summary>
        Expired = 3,

        /// <summary>The payment was declined or failed.</summary>
        Failed = 4,
    }
}
