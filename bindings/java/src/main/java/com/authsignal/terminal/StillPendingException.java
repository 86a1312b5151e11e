package com.authsignal.terminal;

/** {@link TerminalResult#STILL_PENDING}: a wait reached its timeout while the session was still PENDING; waiting again is safe. */
public class StillPendingException extends AuthsignalTerminalException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception (the wrapper makes them from the library's last error).
     *
     * @param message what happened
     * @param httpStatus the HTTP status of the server's answer, or 0
     * @param serverCode the server's error code, or null
     * @param outcomeUnknown true when a create may still have started a payment
     */
    public StillPendingException(String message, int httpStatus, String serverCode, boolean outcomeUnknown) {
        super(TerminalResult.STILL_PENDING, message, httpStatus, serverCode, outcomeUnknown);
    }
}
