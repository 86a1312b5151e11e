// The client: the Terminal API's three calls (create, get, wait) on the native library,
// with .NET's conventions on top (exceptions, IDisposable, Task and CancellationToken).
using System;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Authsignal.Terminal.Interop;

namespace Authsignal.Terminal
{
    /// <summary>
    /// A client of Authsignal's Terminal API: starts card payments on paired payment
    /// terminals and learns how they ended. Every rule (input checks, retries, errors) is
    /// the native library's, so it behaves as it does from C and Python.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Make one client and share it: it is safe to use from many threads at once and keeps
    /// a pool of kept-alive connections. <see cref="Dispose"/> it when the POS shuts down;
    /// a client that is never disposed is freed by the garbage collector, and disposing
    /// twice does nothing. A call still running on another thread keeps the native client
    /// alive until it returns.
    /// </para>
    /// <para>
    /// Failures throw <see cref="AuthsignalTerminalException"/> (see its remarks for the
    /// standard .NET exceptions thrown for bad arguments). The terminal id is the only
    /// credential (there is no API key): neither this wrapper nor the library ever puts one
    /// in a message in clear; do the same in the POS. The POS's own tests can replace this
    /// class through <see cref="ITerminalClient"/>.
    /// </para>
    /// </remarks>
    public sealed class TerminalClient : ITerminalClient
    {
        private static readonly string bindingVersion = ReadBindingVersion();

        private readonly ClientHandle handle;

        /// <summary>Makes a client with the library's defaults (region US).</summary>
        /// <exception cref="AuthsignalTerminalException">The library could not make a client.</exception>
        public TerminalClient()
            : this(new TerminalClientOptions())
        {
        }

        /// <summary>Makes a client with these settings (copied; the options may be reused).</summary>
        /// <param name="options">The settings.</param>
        /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
        /// <exception cref="ArgumentException">A string option holds a NUL character or invalid UTF-16.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A <see cref="TimeSpan"/> option is negative or longer than the library can count.</exception>
        /// <exception cref="AuthsignalTerminalException">
        /// The library refused an option or could not make the client, e.g.
        /// <see cref="TerminalResult.InvalidArgument"/> for an http:// base URL that is not
        /// loopback, a timeout out of range, or a CA file that cannot be read.
        /// </exception>
        public TerminalClient(TerminalClientOptions options)
        {
            if (options == null)
            {
                throw new ArgumentNullException(nameof(options));
            }
            // Everything that can throw a .NET argument exception is converted before the
            // first native call.
            NativeLibraryLoader.EnsureLoaded();
            byte[] baseUrl = Utf8.Optional(options.BaseUrl, nameof(options.BaseUrl));
            uint? connectTimeout = OptionalMilliseconds(options.ConnectTimeout, nameof(options.ConnectTimeout));
            uint? requestTimeout = OptionalMilliseconds(options.RequestTimeout, nameof(options.RequestTimeout));
            uint? pollInterval = OptionalMilliseconds(options.PollInterval, nameof(options.PollInterval));
            byte[] caFile = Utf8.Optional(options.CaFile, nameof(options.CaFile));
            byte[] proxy = Utf8.Optional(options.Proxy, nameof(options.Proxy));
            byte[] userAgentSuffix = Utf8.Optional(UserAgentSuffix(options.UserAgentSuffix), nameof(options.UserAgentSuffix));
            byte[] journalPath = Utf8.Optional(options.JournalPath, nameof(options.JournalPath));
            uint? journalLifetime = OptionalMilliseconds(options.JournalLifetime, nameof(options.JournalLifetime));
            ulong? journalRetention = null;
            if (options.JournalRetention.HasValue)
            {
                if (options.JournalRetention.Value < TimeSpan.Zero)
                {
                    throw new ArgumentOutOfRangeException(nameof(options.JournalRetention), options.JournalRetention.Value,
                        "must not be negative");
                }
                journalRetention = (ulong)Math.Ceiling(options.JournalRetention.Value.TotalMilliseconds);
            }

            ClientOptionsHandle native;
            NativeError.Check(NativeMethods.as_client_options_new(out native));
            using (native)
            {
                NativeError.Check(NativeMethods.as_client_options_set_region(native, unchecked((uint)options.Region)));
                if (baseUrl != null)
                {
                    NativeError.Check(NativeMethods.as_client_options_set_base_url(native, baseUrl));
                }
                if (connectTimeout.HasValue)
                {
                    NativeError.Check(NativeMethods.as_client_options_set_connect_timeout_ms(native, connectTimeout.Value));
                }
                if (requestTimeout.HasValue)
                {
                    NativeError.Check(NativeMethods.as_client_options_set_request_timeout_ms(native, requestTimeout.Value));
                }
                if (pollInterval.HasValue)
                {
                    NativeError.Check(NativeMethods.as_client_options_set_poll_interval_ms(native, pollInterval.Value));
                }
                if (caFile != null)
                {
                    NativeError.Check(NativeMethods.as_client_options_set_ca_file(native, caFile));
                }
                NativeError.Check(NativeMethods.as_client_options_set_use_system_roots(native, options.UseSystemRoots));
                if (proxy != null)
                {
                    NativeError.Check(NativeMethods.as_client_options_set_proxy(native, proxy));
                }
                NativeError.Check(NativeMethods.as_client_options_set_user_agent_suffix(native, userAgentSuffix));
                if (journalPath != null)
                {
                    NativeError.Check(NativeMethods.as_client_options_set_journal_path(native, journalPath));
                }
                if (journalLifetime.HasValue)
                {
                    NativeError.Check(NativeMethods.as_client_options_set_journal_lifetime_ms(native, journalLifetime.Value));
                }
                if (journalRetention.HasValue)
                {
                    NativeError.Check(NativeMethods.as_client_options_set_journal_retention_ms(native, journalRetention.Value));
                }

                ClientHandle client;
                TerminalResult result = NativeMethods.as_client_new(native, out client);
                if (result != TerminalResult.Ok)
                {
                    var error = NativeError.FromLastError(result);
                    client.Dispose();
                    throw error;
                }
                handle = client;
            }
        }

        /// <summary>This wrapper's version, "MAJOR.MINOR.PATCH" (sent in the User-Agent as <c>authsignal-terminal-dotnet/</c>version).</summary>
        public static string BindingVersion
        {
            get { return bindingVersion; }
        }

        /// <summary>The native library's version, "MAJOR.MINOR.PATCH" (<c>as_version</c>).</summary>
        public static string LibraryVersion
        {
            get
            {
                NativeLibraryLoader.EnsureLoaded();
                return Utf8.FromNative(NativeMethods.as_version());
            }
        }

        /// <summary>
        /// Starts a payment: the paired terminal prompts the customer for
        /// <paramref name="amount"/> of <paramref name="currency"/>. The session starts
        /// <see cref="PaymentStatus.Pending"/>; wait for it with
        /// <see cref="WaitPaymentSession"/>.
        /// </summary>
        /// <remarks>
        /// The amount is exact: it is sent as whole minor units of the currency (12.50 USD as
        /// 1250 cents, 1000 JPY as 1000 yen, 1.234 BHD as 1234 fils) and never passes through
        /// floating point. An amount with more decimal places than the currency has (10.005
        /// USD, 1.5 JPY) is refused, not rounded; trailing zeros (12.500 USD) are fine.
        /// <para>
        /// A create is never sent twice once it may have reached the server. When it fails
        /// with <see cref="AuthsignalTerminalException.OutcomeUnknown"/> true, the terminal may
        /// be prompting: check it before creating again.
        /// </para>
        /// </remarks>
        /// <param name="terminalId">The paired terminal's id (a credential: never log it).</param>
        /// <param name="amount">The amount in major units, e.g. 12.50m for 12.50 USD; greater than zero.</param>
        /// <param name="currency">A 3-letter ISO 4217 code, e.g. "USD" (any case).</param>
        /// <param name="reference">The POS's own reference for the payment, or null (or "") for none.</param>
        /// <returns>The new session, pending.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="terminalId"/> or <paramref name="currency"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="amount"/> is zero or less, or too large to count in minor units.</exception>
        /// <exception cref="ArgumentException"><paramref name="currency"/> is not 3 ASCII letters, <paramref name="amount"/>
        /// has more decimal places than the currency has, or a string holds a NUL character or invalid UTF-16.</exception>
        /// <exception cref="AuthsignalTerminalException">The library refused the input or the call failed.</exception>
        /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
        public PaymentSession CreatePaymentSession(string terminalId, decimal amount, string currency, string reference = null)
        {
            var request = new CreateRequest(terminalId, amount, currency, reference);
            return Create(request);
        }

        /// <summary>
        /// <see cref="CreatePaymentSession"/> on a thread-pool thread. Argument exceptions
        /// are thrown at once; everything else through the task.
        /// </summary>
        /// <remarks>
        /// The token is honoured until the request starts. Once it may have been sent, a
        /// create runs to its end: abandoning it could leave the terminal prompting unseen.
        /// </remarks>
        /// <param name="terminalId">The paired terminal's id (a credential: never log it).</param>
        /// <param name="amount">The amount in major units, e.g. 12.50m for 12.50 USD; greater than zero.</param>
        /// <param name="currency">A 3-letter ISO 4217 code, e.g. "USD" (any case).</param>
        /// <param name="reference">The POS's own reference for the payment, or null (or "") for none.</param>
        /// <param name="cancellationToken">Cancels the call if it has not started yet.</param>
        /// <returns>A task giving the new session, pending.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="terminalId"/> or <paramref name="currency"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="amount"/> is zero or less, or too large to count in minor units.</exception>
        /// <exception cref="ArgumentException"><paramref name="currency"/> is not 3 ASCII letters, <paramref name="amount"/>
        /// has more decimal places than the currency has, or a string holds a NUL character or invalid UTF-16.</exception>
        public Task<PaymentSession> CreatePaymentSessionAsync(string terminalId, decimal amount, string currency,
            string reference = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            var request = new CreateRequest(terminalId, amount, currency, reference);
            return Task.Run(() =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                return Create(request);
            }, cancellationToken);
        }

        /// <summary>Reads a payment session: where it stands now.</summary>
        /// <remarks>Retried by the library (at most twice) on connect failures, 429, 502, 503 and 504.</remarks>
        /// <param name="terminalId">The terminal id the session was created with.</param>
        /// <param name="challengeId">The session's <see cref="PaymentSession.ChallengeId"/>.</param>
        /// <returns>The session as the server describes it now.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="terminalId"/> or <paramref name="challengeId"/> is null.</exception>
        /// <exception cref="ArgumentException">A string holds a NUL character or invalid UTF-16.</exception>
        /// <exception cref="AuthsignalTerminalException">
        /// The library refused the input or the call failed, e.g.
        /// <see cref="TerminalResult.NotFound"/> for a session this terminal did not create.
        /// </exception>
        /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
        public PaymentSession GetPaymentSession(string terminalId, string challengeId)
        {
            var request = new SessionRequest(terminalId, challengeId);
            return Get(request);
        }

        /// <summary>
        /// <see cref="GetPaymentSession"/> on a thread-pool thread. Argument exceptions are
        /// thrown at once; everything else through the task.
        /// </summary>
        /// <param name="terminalId">The terminal id the session was created with.</param>
        /// <param name="challengeId">The session's <see cref="PaymentSession.ChallengeId"/>.</param>
        /// <param name="cancellationToken">Cancels the call if it has not started yet.</param>
        /// <returns>A task giving the session as the server describes it now.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="terminalId"/> or <paramref name="challengeId"/> is null.</exception>
        /// <exception cref="ArgumentException">A string holds a NUL character or invalid UTF-16.</exception>
        public Task<PaymentSession> GetPaymentSessionAsync(string terminalId, string challengeId,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            var request = new SessionRequest(terminalId, challengeId);
            return Task.Run(() =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                return Get(request);
            }, cancellationToken);
        }

        /// <summary>
        /// Reads the session until it leaves <see cref="PaymentStatus.Pending"/>, then
        /// returns it (completed, failed, expired, or a status this version does not know).
        /// </summary>
        /// <remarks>
        /// The session is read every <see cref="TerminalClientOptions.PollInterval"/> (1 s by
        /// default). Cancelling <paramref name="cancellationToken"/> fires the library's cancel
        /// token, which ends the wait within 100 ms, even during a read. The API has no cancel
        /// endpoint: the terminal's prompt stays until the customer acts or it expires (10
        /// minutes by default). Waiting again is always safe.
        /// </remarks>
        /// <param name="terminalId">The terminal id the session was created with.</param>
        /// <param name="challengeId">The session's <see cref="PaymentSession.ChallengeId"/>.</param>
        /// <param name="timeout">How long to wait, rounded up to whole milliseconds;
        /// <see cref="Timeout.InfiniteTimeSpan"/> for the longest the library can (about 49 days).</param>
        /// <param name="cancellationToken">Ends the wait early.</param>
        /// <returns>The session, no longer pending.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="terminalId"/> or <paramref name="challengeId"/> is null.</exception>
        /// <exception cref="ArgumentException">A string holds a NUL character or invalid UTF-16.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too long.</exception>
        /// <exception cref="OperationCanceledException">
        /// <paramref name="cancellationToken"/> was cancelled; when it ended a running wait, the
        /// <see cref="Exception.InnerException"/> is the library's
        /// <see cref="AuthsignalTerminalException"/> with <see cref="TerminalResult.Cancelled"/>.
        /// </exception>
        /// <exception cref="AuthsignalTerminalException">
        /// <see cref="TerminalResult.StillPending"/> when <paramref name="timeout"/> passed
        /// while the session was still pending, or the result of a read that failed.
        /// </exception>
        /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
        public PaymentSession WaitPaymentSession(string terminalId, string challengeId, TimeSpan timeout,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            var request = new SessionRequest(terminalId, challengeId);
            uint timeoutMs = Milliseconds.FromWaitTimeout(timeout, nameof(timeout));
            return Wait(request, timeoutMs, cancellationToken);
        }

        /// <summary>
        /// <see cref="WaitPaymentSession"/> on a thread of its own (a wait may take
        /// minutes, so it does not hold a thread-pool thread). Argument exceptions are thrown
        /// at once; everything else through the task, which ends cancelled when
        /// <paramref name="cancellationToken"/> ends the wait.
        /// </summary>
        /// <param name="terminalId">The terminal id the session was created with.</param>
        /// <param name="challengeId">The session's <see cref="PaymentSession.ChallengeId"/>.</param>
        /// <param name="timeout">How long to wait, rounded up to whole milliseconds;
        /// <see cref="Timeout.InfiniteTimeSpan"/> for the longest the library can (about 49 days).</param>
        /// <param name="cancellationToken">Ends the wait early (the library's cancel token fires).</param>
        /// <returns>A task giving the session, no longer pending.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="terminalId"/> or <paramref name="challengeId"/> is null.</exception>
        /// <exception cref="ArgumentException">A string holds a NUL character or invalid UTF-16.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too long.</exception>
        public Task<PaymentSession> WaitPaymentSessionAsync(string terminalId, string challengeId, TimeSpan timeout,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            var request = new SessionRequest(terminalId, challengeId);
            uint timeoutMs = Milliseconds.FromWaitTimeout(timeout, nameof(timeout));
            return Task.Factory.StartNew(
                () => Wait(request, timeoutMs, cancellationToken),
                cancellationToken,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
        }

        /// <summary>
        /// What the payment journal (<see cref="TerminalClientOptions.JournalPath"/>) knows
        /// about the last create for <paramref name="reference"/>, or null when it knows
        /// nothing. A POS that restarted uses it to wait again for the session it had started
        /// (<see cref="JournalEntry.ChallengeId"/>), or learns that the outcome is unknown
        /// (check the terminal, then <see cref="ForgetReference"/>). No network I/O.
        /// </summary>
        /// <param name="reference">The POS reference the create carried.</param>
        /// <returns>The entry, or null.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="reference"/> is null.</exception>
        /// <exception cref="AuthsignalTerminalException">
        /// <see cref="TerminalResult.InvalidArgument"/> when the client has no journal;
        /// <see cref="TerminalResult.Journal"/> when it cannot be read.
        /// </exception>
        /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
        public JournalEntry FindPaymentSession(string reference)
        {
            byte[] native = Utf8.Required(reference, nameof(reference));
            ThrowIfDisposed();
            JournalEntryHandle entry;
            TerminalResult result = NativeMethods.as_client_find_payment_session(handle, native, out entry);
            using (entry)
            {
                if (result == TerminalResult.NotFound)
                {
                    return null;
                }
                NativeError.Check(result);
                string statusRaw = Utf8.FromNative(NativeMethods.as_journal_entry_status_str(entry));
                int status = NativeMethods.as_journal_entry_status(entry);
                return new JournalEntry(
                    Utf8.FromNative(NativeMethods.as_journal_entry_reference(entry)),
                    Utf8.FromNative(NativeMethods.as_journal_entry_challenge_id(entry)),
                    statusRaw == null ? (PaymentStatus?)null
                        : Enum.IsDefined(typeof(PaymentStatus), status) ? (PaymentStatus)status : PaymentStatus.Unknown,
                    statusRaw,
                    NativeMethods.as_journal_entry_outcome_unknown(entry),
                    DateTimeOffset.FromUnixTimeMilliseconds(NativeMethods.as_journal_entry_created_at_ms(entry)));
            }
        }

        /// <summary>
        /// Forgets <paramref name="reference"/> in the payment journal: the cashier has
        /// checked the terminal and nothing is prompting, so the next create for it may go.
        /// Forgetting a reference the journal does not know does nothing. No network I/O.
        /// </summary>
        /// <param name="reference">The POS reference.</param>
        /// <exception cref="ArgumentNullException"><paramref name="reference"/> is null.</exception>
        /// <exception cref="AuthsignalTerminalException">
        /// <see cref="TerminalResult.InvalidArgument"/> when the client has no journal.
        /// </exception>
        /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
        public void ForgetReference(string reference)
        {
            byte[] native = Utf8.Required(reference, nameof(reference));
            ThrowIfDisposed();
            NativeError.Check(NativeMethods.as_client_forget_reference(handle, native));
        }

        /// <summary>
        /// Frees the native client and closes its connections. Calling it again does
        /// nothing; other calls then throw <see cref="ObjectDisposedException"/>. A call
        /// still running on another thread finishes first.
        /// </summary>
        public void Dispose()
        {
            handle.Dispose();
        }

        /// <summary>
        /// Diagnoses why payments through this client might fail (<c>as_client_diagnose</c>):
        /// the configuration, proxy, DNS, TCP connect, TLS handshake, the clock and, when
        /// <paramref name="terminalId"/> is given, whether the server accepts it. It never
        /// creates a payment, and a failed check is in the result, not thrown. What
        /// <c>authsignal-terminal doctor</c> prints.
        /// </summary>
        /// <param name="terminalId">The terminal id to check, or null to skip that check.</param>
        /// <returns>The verdict, the text for a support screen and the JSON report.</returns>
        /// <exception cref="ArgumentException">The id holds a NUL character or invalid UTF-16.</exception>
        /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
        public TerminalDiagnosis Diagnose(string terminalId = null)
        {
            byte[] tid = Utf8.Optional(terminalId, nameof(terminalId));
            ThrowIfDisposed();
            IntPtr diagnosis;
            NativeError.Check(NativeMethods.as_client_diagnose(handle, tid, out diagnosis));
            try
            {
                return new TerminalDiagnosis(
                    NativeMethods.as_diagnosis_passed(diagnosis),
                    Utf8.FromNative(NativeMethods.as_diagnosis_text(diagnosis)),
                    Utf8.FromNative(NativeMethods.as_diagnosis_json(diagnosis)));
            }
            finally
            {
                NativeMethods.as_diagnosis_free(diagnosis);
            }
        }

        private PaymentSession Create(CreateRequest request)
        {
            ThrowIfDisposed();
            PaymentSessionHandle session;
            TerminalResult result = NativeMethods.as_client_create_payment_session_minor(
                handle, request.TerminalId, request.AmountMinor, request.Currency, request.Reference, out session);
            return TakeSession(result, session);
        }

        private PaymentSession Get(SessionRequest request)
        {
            ThrowIfDisposed();
            PaymentSessionHandle session;
            TerminalResult result = NativeMethods.as_client_get_payment_session(
                handle, request.TerminalId, request.ChallengeId, out session);
            return TakeSession(result, session);
        }

        private PaymentSession Wait(SessionRequest request, uint timeoutMs, CancellationToken cancellationToken)
        {
            ThrowIfDisposed();
            cancellationToken.ThrowIfCancellationRequested();
            using (CancelTokenHandle cancel = NativeMethods.as_cancel_token_new())
            {
                if (cancel.IsInvalid)
                {
                    throw new OutOfMemoryException("the library could not make a cancel token");
                }
                TerminalResult result;
                PaymentSessionHandle session;
                // Disposing the registration waits for a callback already running, so the
                // token is never cancelled after it is freed.
                using (cancellationToken.Register(() => NativeMethods.as_cancel_token_cancel(cancel)))
                {
                    result = NativeMethods.as_client_wait_payment_session(
                        handle, request.TerminalId, request.ChallengeId, timeoutMs, cancel, out session);
                    if (result != TerminalResult.Ok)
                    {
                        var error = NativeError.FromLastError(result);
                        session.Dispose();
                        if (result == TerminalResult.Cancelled && cancellationToken.IsCancellationRequested)
                        {
                            throw new OperationCanceledException(error.Message, error, cancellationToken);
                        }
                        throw error;
                    }
                }
                return TakeSession(result, session);
            }
        }

        /// <summary>Throws for a failed call, or copies the session into a managed object and frees it.</summary>
        private static PaymentSession TakeSession(TerminalResult result, PaymentSessionHandle session)
        {
            using (session)
            {
                NativeError.Check(result);
                int status = NativeMethods.as_payment_session_status(session);
                return new PaymentSession(
                    Utf8.FromNative(NativeMethods.as_payment_session_challenge_id(session)),
                    Enum.IsDefined(typeof(PaymentStatus), status) ? (PaymentStatus)status : PaymentStatus.Unknown,
                    Utf8.FromNative(NativeMethods.as_payment_session_status_str(session)),
                    Utf8.FromNative(NativeMethods.as_payment_session_reference(session)),
                    Utf8.FromNative(NativeMethods.as_payment_session_journal_error(session)));
            }
        }

        private void ThrowIfDisposed()
        {
            if (handle.IsClosed)
            {
                throw new ObjectDisposedException(nameof(TerminalClient));
            }
        }

        private static uint? OptionalMilliseconds(TimeSpan? value, string paramName)
        {
            return value.HasValue ? Milliseconds.From(value.Value, paramName) : (uint?)null;
        }

        /// <summary>This wrapper's token first, then the caller's suffix.</summary>
        private static string UserAgentSuffix(string callerSuffix)
        {
            string token = "authsignal-terminal-dotnet/" + bindingVersion;
            return string.IsNullOrEmpty(callerSuffix) ? token : token + " " + callerSuffix;
        }

        private static string ReadBindingVersion()
        {
            var attribute = (AssemblyInformationalVersionAttribute)Attribute.GetCustomAttribute(
                typeof(TerminalClient).Assembly, typeof(AssemblyInformationalVersionAttribute));
            return attribute == null ? "0.0.0" : attribute.InformationalVersion;
        }

        /// <summary>The arguments of a create, converted for the C ABI.</summary>
        private sealed class CreateRequest
        {
            internal CreateRequest(string terminalId, decimal amount, string currency, string reference)
            {
                TerminalId = Utf8.Required(terminalId, nameof(terminalId));
                Currency = Utf8.Required(currency, nameof(currency));
                Reference = Utf8.Optional(reference, nameof(reference));
                AmountMinor = MinorUnits.FromDecimal(amount, nameof(amount), currency, Currency, nameof(currency));
            }

            internal byte[] TerminalId { get; }

            internal long AmountMinor { get; }

            internal byte[] Currency { get; }

            internal byte[] Reference { get; }
        }

        /// <summary>The arguments of a get or wait, converted for the C ABI.</summary>
        private sealed class SessionRequest
        {
            internal SessionRequest(string terminalId, string challengeId)
            {
                TerminalId = Utf8.Required(terminalId, nameof(terminalId));
                ChallengeId = Utf8.Required(challengeId, nameof(challengeId));
            }

            internal byte[] TerminalId { get; }

            internal byte[] ChallengeId { get; }
        }
    }
}
