package com.authsignal.terminal;

/** {@link TerminalResult#CANCELLED}: the wait's CancelToken fired (or its CompletableFuture was cancelled). The terminal's prompt stays until the customer acts or it expires. */
public class WaitCancelledException extends AuthsignalTerminalException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception (the wrapper makes them from the library's last error).
     *
     * @param message what happened
     * @param httpStatus the HTTP status of the server's answer, or 0
     * @param serverCode the server's error code, or null
     * @param outcomeUnknown true when a create may still have started a payment
     */
    public WaitCancelledException(String message, int httpStatus, String serverCode, boolean outcomeUnknown) {
        super(TerminalResult.CANCELLED, message, httpStatus, serverCode, outcomeUnknown);
    }
}
