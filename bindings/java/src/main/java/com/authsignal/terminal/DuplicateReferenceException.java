package com.authsignal.terminal;

/** {@link TerminalResult#DUPLICATE_REFERENCE}: the payment journal refused a create, before any network I/O, because the reference's last attempt is PENDING, COMPLETED or of unknown outcome; the message says which and, when known, the challenge id to wait on (see TerminalClient#findPaymentSession). */
public class DuplicateReferenceException extends AuthsignalTerminalException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception (the wrapper makes them from the library's last error).
     *
     * @param message what happened
     * @param httpStatus the HTTP status of the server's answer, or 0
     * @param serverCode the server's error code, or null
     * @param outcomeUnknown true when a create may still have started a payment
     */
    public DuplicateReferenceException(String message, int httpStatus, String serverCode, boolean outcomeUnknown) {
        super(TerminalResult.DUPLICATE_REFERENCE, message, httpStatus, serverCode, outcomeUnknown);
    }
}
