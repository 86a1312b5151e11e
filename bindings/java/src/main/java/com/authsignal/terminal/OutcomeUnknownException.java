package com.authsignal.terminal;

import java.util.Optional;

/**
 * A create failed in a way that may still have started a payment session (the request may
 * have reached the server: a timeout or dropped connection after sending, a 5xx): the
 * terminal may be prompting. Check the terminal before creating again; the API has no
 * idempotency key, so the library cannot find out by itself.
 *
 * <p>{@link #getResult()}, {@link #getHttpStatus()} and {@link #getServerCode()} are those
 * of the failure, and {@link #getCause()} is the exception for that result (e.g. a
 * {@link TerminalTimeoutException}). {@link #isOutcomeUnknown()} is always true.
 */
public class OutcomeUnknownException extends AuthsignalTerminalException {
    private static final long serialVersionUID = 1L;

    private final String challengeId;

    /**
     * Wraps the failure of a create whose outcome is unknown.
     *
     * @param failure the exception for the failure's result
     * @param challengeId the session's challenge id when it is known, else null
     */
    public OutcomeUnknownException(AuthsignalTerminalException failure, String challengeId) {
        super(failure.getResult(), failure.getMessage(), failure.getHttpStatus(), failure.getServerCode(), true,
                failure);
        this.challengeId = challengeId;
    }

    /**
     * The challenge id of the session the create may have started, when known. The C ABI
     * reports none for a create whose answer never came, so this is empty then; a POS with a
     * payment journal asks {@link TerminalClient#findPaymentSession} later.
     */
    public Optional<String> getChallengeId() {
        return Optional.ofNullable(challengeId);
    }
}
