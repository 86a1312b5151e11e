// What a POS calls on a client, as an interface, so that the POS's own unit tests can
// stand in for the Terminal API (as IAuthsignalClient and IStripeClient allow).
using System;
using System.Threading;
using System.Threading.Tasks;

namespace Authsignal.Terminal
{
    /// <summary>
    /// Every operation of <see cref="TerminalClient"/>, sync and async: program the POS
    /// against this interface and give its tests a fake.
    /// </summary>
    /// <remarks>
    /// The documentation of each member is on <see cref="TerminalClient"/>, the one
    /// implementation in this package. Amounts are in major units (12.50m is 12.50 USD);
    /// the terminal id is the only credential.
    /// </remarks>
    public interface ITerminalClient : IDisposable
    {
        /// <summary>Starts a payment of <paramref name="amount"/> major units; see <see cref="TerminalClient.CreatePaymentSession"/>.</summary>
        /// <param name="terminalId">The paired terminal's id (a credential: never log it).</param>
        /// <param name="amount">The amount in major units, e.g. 12.50m for 12.50 USD; greater than zero.</param>
        /// <param name="currency">A 3-letter ISO 4217 code, e.g. "USD" (any case).</param>
        /// <param name="reference">The POS's own reference for the payment, or null (or "") for none.</param>
        /// <returns>The new session, pending.</returns>
        PaymentSession CreatePaymentSession(string terminalId, decimal amount, string currency, string reference = null);

        /// <summary><see cref="CreatePaymentSession"/> as a task; see <see cref="TerminalClient.CreatePaymentSessionAsync"/>.</summary>
        /// <param name="terminalId">The paired terminal's id (a credential: never log it).</param>
        /// <param name="amount">The amount in major units, e.g. 12.50m for 12.50 USD; greater than zero.</param>
        /// <param name="currency">A 3-letter ISO 4217 code, e.g. "USD" (any case).</param>
        /// <param name="reference">The POS's own reference for the payment, or null (or "") for none.</param>
        /// <param name="cancellationToken">Cancels the call if it has not started yet.</param>
        /// <returns>A task giving the new session, pending.</returns>
        Task<PaymentSession> CreatePaymentSessionAsync(string terminalId, decimal amount, string currency,
            string reference = null, CancellationToken cancellationToken = default(CancellationToken));

        /// <summary>Reads a payment session; see <see cref="TerminalClient.GetPaymentSession"/>.</summary>
        /// <param name="terminalId">The terminal id the session was created with.</param>
        /// <param name="challengeId">The session's <see cref="PaymentSession.ChallengeId"/>.</param>
        /// <returns>The session as the server describes it now.</returns>
        PaymentSession GetPaymentSession(string terminalId, string challengeId);

        /// <summary><see cref="GetPaymentSession"/> as a task; see <see cref="TerminalClient.GetPaymentSessionAsync"/>.</summary>
        /// <param name="terminalId">The terminal id the session was created with.</param>
        /// <param name="challengeId">The session's <see cref="PaymentSession.ChallengeId"/>.</param>
        /// <param name="cancellationToken">Cancels the call if it has not started yet.</param>
        /// <returns>A task giving the session as the server describes it now.</returns>
        Task<PaymentSession> GetPaymentSessionAsync(string terminalId, string challengeId,
            CancellationToken cancellationToken = default(CancellationToken));

        /// <summary>Reads the session until it leaves pending; see <see cref="TerminalClient.WaitPaymentSession"/>.</summary>
        /// <param name="terminalId">The terminal id the session was created with.</param>
        /// <param name="challengeId">The session's <see cref="PaymentSession.ChallengeId"/>.</param>
        /// <param name="timeout">How long to wait.</param>
        /// <param name="cancellationToken">Ends the wait early.</param>
        /// <returns>The session, no longer pending.</returns>
        PaymentSession WaitPaymentSession(string terminalId, string challengeId, TimeSpan timeout,
            CancellationToken cancellationToken = default(CancellationToken));

        /// <summary><see cref="WaitPaymentSession"/> as a task; see <see cref="TerminalClient.WaitPaymentSessionAsync"/>.</summary>
        /// <param name="terminalId">The terminal id the session was created with.</param>
        /// <param name="challengeId">The session's <see cref="PaymentSession.ChallengeId"/>.</param>
        /// <param name="timeout">How long to wait.</param>
        /// <param name="cancellationToken">Ends the wait early.</param>
        /// <returns>A task giving the session, no longer pending.</returns>
        Task<PaymentSession> WaitPaymentSessionAsync(string terminalId, string challengeId, TimeSpan timeout,
            CancellationToken cancellationToken = default(CancellationToken));

        /// <summary>What the payment journal knows about a reference; see <see cref="TerminalClient.FindPaymentSession"/>.</summary>
        /// <param name="reference">The POS reference the create carried.</param>
        /// <returns>The entry, or null when the journal knows nothing.</returns>
        JournalEntry FindPaymentSession(string reference);

        /// <summary>Forgets a reference in the payment journal; see <see cref="TerminalClient.ForgetReference"/>.</summary>
        /// <param name="reference">The POS reference.</param>
        void ForgetReference(string reference);

        /// <summary>Diagnoses why payments might fail; see <see cref="TerminalClient.Diagnose"/>.</summary>
        /// <param name="terminalId">When given, whether the server accepts it (no payment is started).</param>
        /// <returns>The report.</returns>
        TerminalDiagnosis Diagnose(string terminalId = null);
    }
}
