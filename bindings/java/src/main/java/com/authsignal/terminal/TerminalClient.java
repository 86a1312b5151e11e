package com.authsignal.terminal;

import com.authsignal.terminal.internal.NativeError;
import com.authsignal.terminal.internal.NativeLibrary;
import com.authsignal.terminal.internal.NativeMethods;
import com.authsignal.terminal.internal.Utf8;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.lang.ref.PhantomReference;
import java.lang.ref.ReferenceQueue;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client of Authsignal's Terminal API: starts card payments on paired payment terminals
 * and learns how they ended. Every rule (input checks, retries, errors) is the native
 * library's, so it behaves as it does from C, C# and Python.
 *
 * <p>Make one client and share it: it is safe to use from many threads at once. Close it
 * when the POS shuts down (closing twice does nothing); a call still running on another
 * thread keeps the native client alive until it returns. A client dropped without being
 * closed is freed once the garbage collector finds it. The terminal id is the only
 * credential: neither this wrapper nor the library ever puts one in a message in clear.
 */
public final class TerminalClient implements AutoCloseable {
    /** This wrapper's version, "MAJOR.MINOR.PATCH" (sent in the User-Agent as {@code authsignal-terminal-java/}version). */
    public static final String BINDING_VERSION = "0.1.0";

    private static final long MAX_U32 = 0xFFFFFFFFL;

    private static final ExecutorService ASYNC = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "authsignal-terminal-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    });

    private final NativeMethods lib;
    private final Handle handle;
    private final Reaper reaper;

    /**
     * Makes a client with the library's defaults (region US).
     *
     * @throws AuthsignalTerminalException the library could not make a client
     */
    public TerminalClient() throws AuthsignalTerminalException {
        this(TerminalClientOptions.defaults());
    }

    /**
     * Makes a client with these settings.
     *
     * @param options the settings
     * @throws NullPointerException options is null
     * @throws IllegalArgumentException a string holds a NUL character, or a duration is negative or too long
     * @throws InvalidArgumentException the library refused a setting (e.g. an http:// base URL that is not
     *     loopback, a timeout out of range, a CA file that cannot be read)
     * @throws JournalException the payment journal cannot be opened
     * @throws AuthsignalTerminalException the library could not make the client
     */
    public TerminalClient(TerminalClientOptions options) throws AuthsignalTerminalException {
        if (options == null) {
            throw new NullPointerException("options must not be null");
        }
        // Everything that can throw a Java argument exception is converted before the first native call.
        byte[] baseUrl = Utf8.optional(options.baseUrl, "baseUrl");
        Integer connectTimeout = optionalMillis(options.connectTimeout, "connectTimeout");
        Integer requestTimeout = optionalMillis(options.requestTimeout, "requestTimeout");
        Integer pollInterval = optionalMillis(options.pollInterval, "pollInterval");
        byte[] caFile = Utf8.optional(options.caFile, "caFile");
        byte[] proxy = Utf8.optional(options.proxy, "proxy");
        String suffix = "authsignal-terminal-java/" + BINDING_VERSION
                + (options.userAgentSuffix == null || options.userAgentSuffix.isEmpty() ? "" : " " + options.userAgentSuffix);
        byte[] userAgentSuffix = Utf8.required(suffix, "userAgentSuffix");
        byte[] journalPath = Utf8.optional(options.journalPath, "journalPath");
        Integer journalLifetime = optionalMillis(options.journalLifetime, "journalLifetime");
        Long journalRetention = null;
        if (options.journalRetention != null) {
            journalRetention = ceilMillis(options.journalRetention, "journalRetention", Long.MAX_VALUE);
        }

        lib = NativeLibrary.get();
        PointerByReference out = new PointerByReference();
        NativeError.check(lib.as_client_options_new(out));
        Pointer opts = out.getValue();
        try {
            NativeError.check(lib.as_client_options_set_region(opts, options.region.code()));
            if (baseUrl != null) {
                NativeError.check(lib.as_client_options_set_base_url(opts, baseUrl));
            }
            if (connectTimeout != null) {
                NativeError.check(lib.as_client_options_set_connect_timeout_ms(opts, connectTimeout));
            }
            if (requestTimeout != null) {
                NativeError.check(lib.as_client_options_set_request_timeout_ms(opts, requestTimeout));
            }
            if (pollInterval != null) {
                NativeError.check(lib.as_client_options_set_poll_interval_ms(opts, pollInterval));
            }
            if (caFile != null) {
                NativeError.check(lib.as_client_options_set_ca_file(opts, caFile));
            }
            NativeError.check(lib.as_client_options_set_use_system_roots(opts, (byte) (options.useSystemRoots ? 1 : 0)));
            if (proxy != null) {
                NativeError.check(lib.as_client_options_set_proxy(opts, proxy));
            }
            NativeError.check(lib.as_client_options_set_user_agent_suffix(opts, userAgentSuffix));
            if (journalPath != null) {
                NativeError.check(lib.as_client_options_set_journal_path(opts, journalPath));
            }
            if (journalLifetime != null) {
                NativeError.check(lib.as_client_options_set_journal_lifetime_ms(opts, journalLifetime));
            }
            if (journalRetention != null) {
                NativeError.check(lib.as_client_options_set_journal_retention_ms(opts, journalRetention));
            }
            PointerByReference client = new PointerByReference();
            NativeError.check(lib.as_client_new(opts, client));
            handle = new Handle(lib, client.getValue());
            reaper = new Reaper(this, handle);
        } finally {
            lib.as_client_options_free(opts);
        }
    }

    /** The native library's version, "MAJOR.MINOR.PATCH" ({@code as_version}). */
    public static String libraryVersion() {
        return Utf8.fromNative(NativeLibrary.get().as_version());
    }

    /**
     * Starts a payment for an exact amount in major units: the paired terminal prompts the
     * customer for {@code amount} of {@code currency}. The session starts PENDING; wait for
     * it with {@link #waitPaymentSession}.
     *
     * <p>The amount is exact: it is sent as whole minor units of the currency (12.50 USD as
     * 1250 cents, 1000 JPY as 1000 yen, 1.234 BHD as 1234 fils) and never passes through
     * floating point. An amount with more decimal places than the currency has (10.005 USD,
     * 1.5 JPY) is refused, not rounded; trailing zeros (12.500 USD) are fine.
     *
     * @param terminalId the paired terminal's id (a credential: never log it)
     * @param amount the amount in major units, e.g. {@code new BigDecimal("12.50")}; greater than zero
     * @param currency an active ISO 4217 code, e.g. "USD" (any case)
     * @param reference the POS's own reference for the payment, or null (or "") for none
     * @return the new session, pending
     * @throws NullPointerException terminalId, amount or currency is null
     * @throws IllegalArgumentException the amount is zero or less, has more decimal places than the currency,
     *     or is too large; the currency is not an active ISO 4217 code; a string holds a NUL character
     * @throws OutcomeUnknownException the create failed but may have started a payment: check the terminal
     * @throws AuthsignalTerminalException the library refused the input or the call failed
     */
    public PaymentSession createPaymentSession(String terminalId, BigDecimal amount, String currency, String reference)
            throws OutcomeUnknownException, AuthsignalTerminalException {
        return create(new CreateRequest(terminalId, amount, currency, reference));
    }

    /**
     * Starts a payment for an exact amount in minor units: 1250 USD is 12.50 USD, 1000 JPY is
     * 1000 JPY, 1234 BHD is 1.234 BHD. Otherwise as {@link #createPaymentSession}.
     *
     * @param terminalId the paired terminal's id (a credential: never log it)
     * @param amountMinor the amount in minor units; greater than zero
     * @param currency an active ISO 4217 code, e.g. "USD" (any case)
     * @param reference the POS's own reference for the payment, or null (or "") for none
     * @return the new session, pending
     * @throws NullPointerException terminalId or currency is null
     * @throws IllegalArgumentException amountMinor is zero or less, or a string holds a NUL character
     * @throws OutcomeUnknownException the create failed but may have started a payment: check the terminal
     * @throws AuthsignalTerminalException the library refused the input or the call failed
     */
    public PaymentSession createPaymentSessionMinor(String terminalId, long amountMinor, String currency,
            String reference) throws OutcomeUnknownException, AuthsignalTerminalException {
        return create(new CreateRequest(terminalId, amountMinor, currency, reference));
    }

    /**
     * {@link #createPaymentSession} on a thread of this library's pool. Argument exceptions are
     * thrown at once; everything else completes the future exceptionally. Cancelling the
     * future does not stop a create that started: abandoning it could leave the terminal
     * prompting unseen.
     */
    public CompletableFuture<PaymentSession> createPaymentSessionAsync(String terminalId, BigDecimal amount,
            String currency, String reference) {
        final CreateRequest request = new CreateRequest(terminalId, amount, currency, reference);
        return async(new Call() {
            @Override
            public PaymentSession run() throws AuthsignalTerminalException {
                return create(request);
            }
        });
    }

    /** {@link #createPaymentSessionMinor} on a thread of this library's pool, as {@link #createPaymentSessionAsync}. */
    public CompletableFuture<PaymentSession> createPaymentSessionMinorAsync(String terminalId, long amountMinor,
            String currency, String reference) {
        final CreateRequest request = new CreateRequest(terminalId, amountMinor, currency, reference);
        return async(new Call() {
            @Override
            public PaymentSession run() throws AuthsignalTerminalException {
                return create(request);
            }
        });
    }

    /**
     * Reads a payment session: where it stands now. Retried by the library (at most twice) on
     * connect failures, 429, 502, 503 and 504.
     *
     * @param terminalId the terminal id the session was created with
     * @param challengeId the session's {@link PaymentSession#getChallengeId()}
     * @return the session as the server describes it now
     * @throws NullPointerException terminalId or challengeId is null
     * @throws IllegalArgumentException a string holds a NUL character
     * @throws NotFoundException no such session for this terminal
     * @throws AuthsignalTerminalException the library refused the input or the call failed
     */
    public PaymentSession getPaymentSession(String terminalId, String challengeId) throws AuthsignalTerminalException {
        byte[] tid = Utf8.required(terminalId, "terminalId");
        byte[] cid = Utf8.required(challengeId, "challengeId");
        return get(tid, cid);
    }

    /** {@link #getPaymentSession} on a thread of this library's pool; argument exceptions at once. */
    public CompletableFuture<PaymentSession> getPaymentSessionAsync(String terminalId, String challengeId) {
        final byte[] tid = Utf8.required(terminalId, "terminalId");
        final byte[] cid = Utf8.required(challengeId, "challengeId");
        return async(new Call() {
            @Override
            public PaymentSession run() throws AuthsignalTerminalException {
                return get(tid, cid);
            }
        });
    }

    /**
     * Reads the session until it leaves PENDING and returns it then (COMPLETED, FAILED,
     * EXPIRED, or a status this version does not know). Runs on the calling thread.
     *
     * @param terminalId the terminal id the session was created with
     * @param challengeId the session's {@link PaymentSession#getChallengeId()}
     * @param timeout how long to wait, rounded up to whole milliseconds (at most 2^32-1 ms, about 49 days);
     *     zero reads the session once
     * @param cancel ends the wait early, or null
     * @return the session, no longer pending
     * @throws NullPointerException terminalId, challengeId or timeout is null
     * @throws IllegalArgumentException the timeout is negative or too long, or a string holds a NUL character
     * @throws StillPendingException the timeout passed while the session was still pending (waiting again is safe)
     * @throws WaitCancelledException the cancel token fired
     * @throws AuthsignalTerminalException a read failed
     */
    public PaymentSession waitPaymentSession(String terminalId, String challengeId, Duration timeout, CancelToken cancel)
            throws StillPendingException, WaitCancelledException, AuthsignalTerminalException {
        byte[] tid = Utf8.required(terminalId, "terminalId");
        byte[] cid = Utf8.required(challengeId, "challengeId");
        int ms = waitMillis(timeout);
        return await(tid, cid, ms, cancel);
    }

    /** {@link #waitPaymentSession} without a cancel token. */
    public PaymentSession waitPaymentSession(String terminalId, String challengeId, Duration timeout)
            throws StillPendingException, AuthsignalTerminalException {
        return waitPaymentSession(terminalId, challengeId, timeout, null);
    }

    /**
     * {@link #waitPaymentSession} on a thread of this library's pool. Argument exceptions are
     * thrown at once; everything else completes the future exceptionally. Cancelling the
     * future ends the wait (the library's cancel token fires) as {@code cancel} does.
     */
    public CompletableFuture<PaymentSession> waitPaymentSessionAsync(String terminalId, String challengeId,
            Duration timeout, final CancelToken cancel) {
        final byte[] tid = Utf8.required(terminalId, "terminalId");
        final byte[] cid = Utf8.required(challengeId, "challengeId");
        final int ms = waitMillis(timeout);
        final CancelToken own = new CancelToken();
        final CompletableFuture<PaymentSession> future = new CompletableFuture<PaymentSession>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                own.cancel();
                return super.cancel(mayInterruptIfRunning);
            }
        };
        ASYNC.execute(new Runnable() {
            @Override
            public void run() {
                try {
                    future.complete(await(tid, cid, ms, own, cancel));
                } catch (Throwable e) {
                    future.completeExceptionally(e);
                }
            }
        });
        return future;
    }

    /**
     * What the payment journal knows about the last create for {@code reference}, or empty
     * when it knows nothing. A POS that restarted uses it to wait again for the session it
     * had started ({@link JournalEntry#getChallengeId()}), or learns that the outcome is
     * unknown (check the terminal, then {@link #forgetReference}). No network I/O.
     *
     * @param reference the POS reference the create carried
     * @return the entry, or empty
     * @throws NullPointerException reference is null
     * @throws InvalidArgumentException the client has no journal
     * @throws JournalException the journal cannot be read
     */
    public Optional<JournalEntry> findPaymentSession(String reference) throws AuthsignalTerminalException {
        byte[] ref = Utf8.required(reference, "reference");
        Pointer c = acquire();
        try {
            PointerByReference out = new PointerByReference();
            int result = lib.as_client_find_payment_session(c, ref, out);
            if (result == TerminalResult.NOT_FOUND.code()) {
                return Optional.empty();
            }
            NativeError.check(result);
            Pointer e = out.getValue();
            try {
                String statusRaw = Utf8.fromNative(lib.as_journal_entry_status_str(e));
                int status = lib.as_journal_entry_status(e);
                return Optional.of(new JournalEntry(
                        Utf8.fromNative(lib.as_journal_entry_reference(e)),
                        Utf8.fromNative(lib.as_journal_entry_challenge_id(e)),
                        statusRaw == null ? null : PaymentStatus.fromCode(status),
                        statusRaw,
                        lib.as_journal_entry_outcome_unknown(e) != 0,
                        Instant.ofEpochMilli(lib.as_journal_entry_created_at_ms(e))));
            } finally {
                lib.as_journal_entry_free(e);
            }
        } finally {
            release();
        }
    }

    /**
     * Forgets {@code reference} in the payment journal: the cashier has checked the terminal
     * and nothing is prompting, so the next create for it may go. Forgetting a reference the
     * journal does not know does nothing. No network I/O.
     *
     * @param reference the POS reference
     * @throws NullPointerException reference is null
     * @throws InvalidArgumentException the client has no journal
     * @throws JournalException the journal cannot be written
     */
    public void forgetReference(String reference) throws AuthsignalTerminalException {
        byte[] ref = Utf8.required(reference, "reference");
        Pointer c = acquire();
        try {
            NativeError.check(lib.as_client_forget_reference(c, ref));
        } finally {
            release();
        }
    }

    /**
     * Diagnoses why payments through this client might fail: the configuration, proxy, DNS,
     * TCP connect, TLS handshake, the clock and, when {@code terminalId} is given, whether the
     * server accepts it. It never creates a payment; a failed check is in the result, not
     * thrown. What {@code authsignal-terminal doctor} prints.
     *
     * @param terminalId the terminal id to check, or null to skip that check
     * @return the verdict, the text for a support screen and the JSON report
     * @throws IllegalArgumentException the id holds a NUL character
     * @throws AuthsignalTerminalException the library refused the input
     */
    public TerminalDiagnosis diagnose(String terminalId) throws AuthsignalTerminalException {
        byte[] tid = Utf8.optional(terminalId, "terminalId");
        Pointer c = acquire();
        try {
            PointerByReference out = new PointerByReference();
            NativeError.check(lib.as_client_diagnose(c, tid, out));
            Pointer d = out.getValue();
            try {
                return new TerminalDiagnosis(lib.as_diagnosis_passed(d) != 0, Utf8.fromNative(lib.as_diagnosis_text(d)),
                        Utf8.fromNative(lib.as_diagnosis_json(d)));
            } finally {
                lib.as_diagnosis_free(d);
            }
        } finally {
            release();
        }
    }

    /** {@link #diagnose(String)} without the terminal id check. */
    public TerminalDiagnosis diagnose() throws AuthsignalTerminalException {
        return diagnose(null);
    }

    /**
     * Frees the native client and closes its connections (once every call in flight has
     * returned). Calling it again does nothing; other calls then throw
     * {@link IllegalStateException}.
     */
    @Override
    public void close() {
        Reaper r = reaper;
        if (r != null) {
            Reaper.LIVE.remove(r);
            r.clear();
        }
        handle.close();
    }

    @Override
    public String toString() {
        return "TerminalClient(" + (handle.isClosed() ? "closed" : "open") + ")";
    }

    private Pointer acquire() {
        return handle.acquire();
    }

    private void release() {
        handle.release();
    }

    /** How many native clients were freed because their TerminalClient was collected unclosed (for tests). */
    static int reapedCount() {
        return Reaper.REAPED.get();
    }

    /**
     * The native client and the calls in flight on it. A call holds it (acquire/release),
     * so closing, by {@link #close()} or by the garbage collector, frees the native client
     * when the last call returns.
     */
    private static final class Handle {
        private final NativeMethods lib;
        private Pointer pointer;
        private int callsInFlight;
        private boolean closed;

        Handle(NativeMethods lib, Pointer pointer) {
            this.lib = lib;
            this.pointer = pointer;
        }

        synchronized boolean isClosed() {
            return closed;
        }

        synchronized Pointer acquire() {
            if (closed) {
                throw new IllegalStateException("the TerminalClient is closed");
            }
            callsInFlight++;
            return pointer;
        }

        void release() {
            Pointer toFree = null;
            synchronized (this) {
                callsInFlight--;
                if (closed && callsInFlight == 0) {
                    toFree = pointer;
                    pointer = null;
                }
            }
            if (toFree != null) {
                lib.as_client_free(toFree);
            }
        }

        /** Returns true when this call closed it. */
        boolean close() {
            Pointer toFree = null;
            synchronized (this) {
                if (closed) {
                    return false;
                }
                closed = true;
                if (callsInFlight == 0) {
                    toFree = pointer;
                    pointer = null;
                }
            }
            if (toFree != null) {
                lib.as_client_free(toFree);
            }
            return true;
        }
    }

    /**
     * Frees the native client of a TerminalClient the program dropped without closing (Java
     * 8 has no java.lang.ref.Cleaner): one daemon thread takes the collected clients' handles
     * off a reference queue and closes them.
     */
    private static final class Reaper extends PhantomReference<TerminalClient> {
        static final ReferenceQueue<TerminalClient> QUEUE = new ReferenceQueue<TerminalClient>();
        static final Set<Reaper> LIVE = Collections.newSetFromMap(new ConcurrentHashMap<Reaper, Boolean>());
        static final AtomicInteger REAPED = new AtomicInteger();

        static {
            Thread thread = new Thread(new Runnable() {
                @Override
                public void run() {
                    while (true) {
                        try {
                            Reaper r = (Reaper) QUEUE.remove();
                            LIVE.remove(r);
                            if (r.handle.close()) {
                                REAPED.incrementAndGet();
                            }
                        } catch (InterruptedException e) {
                            return;
                        } catch (Throwable e) {
                            // keep reaping
                        }
                    }
                }
            }, "authsignal-terminal-reaper");
            thread.setDaemon(true);
            thread.start();
        }

        final Handle handle;

        Reaper(TerminalClient client, Handle handle) {
            super(client, QUEUE);
            this.handle = handle;
            LIVE.add(this);
        }
    }

    private PaymentSession create(CreateRequest r) throws OutcomeUnknownException, AuthsignalTerminalException {
        Pointer c = acquire();
        try {
            PointerByReference out = new PointerByReference();
            int result = lib.as_client_create_payment_session_minor(c, r.terminalId, r.amountMinor, r.currency,
                    r.reference, out);
            if (result != 0) {
                AuthsignalTerminalException error = NativeError.fromLastError(result);
                if (error.isOutcomeUnknown()) {
                    throw new OutcomeUnknownException(error, null);
                }
                throw error;
            }
            return takeSession(out.getValue());
        } finally {
            release();
        }
    }

    private PaymentSession get(byte[] tid, byte[] cid) throws AuthsignalTerminalException {
        Pointer c = acquire();
        try {
            PointerByReference out = new PointerByReference();
            NativeError.check(lib.as_client_get_payment_session(c, tid, cid, out));
            return takeSession(out.getValue());
        } finally {
            release();
        }
    }

    private PaymentSession await(byte[] tid, byte[] cid, int ms, CancelToken... cancels)
            throws AuthsignalTerminalException {
        Pointer c = acquire();
        try {
            Pointer token = lib.as_cancel_token_new();
            if (token == null) {
                throw new OutOfMemoryError("the library could not make a cancel token");
            }
            try {
                for (CancelToken cancel : cancels) {
                    if (cancel != null) {
                        cancel.attach(token);
                    }
                }
                PointerByReference out = new PointerByReference();
                NativeError.check(lib.as_client_wait_payment_session(c, tid, cid, ms, token, out));
                return takeSession(out.getValue());
            } finally {
                // Once detached, no CancelToken touches the native token: it may be freed.
                for (CancelToken cancel : cancels) {
                    if (cancel != null) {
                        cancel.detach(token);
                    }
                }
                lib.as_cancel_token_free(token);
            }
        } finally {
            release();
        }
    }

    /** Copies a session into a Java object and frees it. */
    private PaymentSession takeSession(Pointer s) {
        try {
            return new PaymentSession(
                    Utf8.fromNative(lib.as_payment_session_challenge_id(s)),
                    PaymentStatus.fromCode(lib.as_payment_session_status(s)),
                    Utf8.fromNative(lib.as_payment_session_status_str(s)),
                    Utf8.fromNative(lib.as_payment_session_reference(s)),
                    Utf8.fromNative(lib.as_payment_session_journal_error(s)));
        } finally {
            lib.as_payment_session_free(s);
        }
    }

    private interface Call {
        PaymentSession run() throws AuthsignalTerminalException;
    }

    private static CompletableFuture<PaymentSession> async(final Call call) {
        final CompletableFuture<PaymentSession> future = new CompletableFuture<PaymentSession>();
        ASYNC.execute(new Runnable() {
            @Override
            public void run() {
                if (future.isDone()) {
                    return; // cancelled before it started
                }
                try {
                    future.complete(call.run());
                } catch (Throwable e) {
                    future.completeExceptionally(e);
                }
            }
        });
        return future;
    }

    private static int waitMillis(Duration timeout) {
        if (timeout == null) {
            throw new NullPointerException("timeout must not be null");
        }
        return (int) ceilMillis(timeout, "timeout", MAX_U32);
    }

    private static Integer optionalMillis(Duration value, String name) {
        return value == null ? null : (int) ceilMillis(value, name, MAX_U32);
    }

    /** Whole milliseconds, rounded up; IllegalArgumentException naming the parameter when negative or above max. */
    private static long ceilMillis(Duration value, String name, long max) {
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative (" + value + ")");
        }
        long ms;
        try {
            ms = value.toMillis();
            if (!value.minusMillis(ms).isZero()) {
                ms = Math.addExact(ms, 1);
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(name + " must be at most " + max + " ms (" + value + ")");
        }
        if (ms > max) {
            throw new IllegalArgumentException(name + " must be at most " + max + " ms (" + value + ")");
        }
        return ms;
    }

    /** The arguments of a create, converted for the C ABI before any call. */
    private static final class CreateRequest {
        final byte[] terminalId;
        final long amountMinor;
        final byte[] currency;
        final byte[] reference;

        CreateRequest(String terminalId, BigDecimal amount, String currency, String reference) {
            this.terminalId = Utf8.required(terminalId, "terminalId");
            if (amount == null) {
                throw new NullPointerException("amount must not be null");
            }
            this.currency = Utf8.required(currency, "currency");
            this.reference = Utf8.optional(reference, "reference");
            this.amountMinor = toMinor(amount, currency, this.currency);
        }

        CreateRequest(String terminalId, long amountMinor, String currency, String reference) {
            this.terminalId = Utf8.required(terminalId, "terminalId");
            this.currency = Utf8.required(currency, "currency");
            this.reference = Utf8.optional(reference, "reference");
            if (amountMinor <= 0) {
                throw new IllegalArgumentException("amountMinor must be greater than zero (" + amountMinor + ")");
            }
            this.amountMinor = amountMinor;
        }

        /** BigDecimal to exact minor units with the library's exponent for the currency; no rounding. */
        private static long toMinor(BigDecimal amount, String currency, byte[] currencyUtf8) {
            if (amount.signum() <= 0) {
                throw new IllegalArgumentException("amount must be greater than zero (" + amount.toPlainString() + ")");
            }
            int exponent = NativeLibrary.get().as_currency_exponent(currencyUtf8);
            if (exponent < 0) {
                throw new IllegalArgumentException("currency must be an active ISO 4217 code such as \"USD\" (\""
                        + currency + "\" is not one)");
            }
            BigDecimal minor = amount.movePointRight(exponent);
            if (minor.signum() != 0 && minor.stripTrailingZeros().scale() > 0) {
                throw new IllegalArgumentException("amount " + amount.toPlainString() + " has more decimal places than "
                        + currency.toUpperCase(java.util.Locale.ROOT) + " has (" + exponent
                        + "); it is refused rather than rounded");
            }
            try {
                return minor.longValueExact();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("amount " + amount.toPlainString()
                        + " is too large to count in minor units");
            }
        }
    }
}
