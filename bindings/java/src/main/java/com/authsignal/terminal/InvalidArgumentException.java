package com.authsignal.terminal;

/** {@link TerminalResult#INVALID_ARGUMENT}: the library refused an argument before any network I/O (e.g. a terminal id with whitespace, an amount above the maximum, a setting out of range). */
public class InvalidArgumentException extends AuthsignalTerminalException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception (the wrapper makes them from the library's last error).
     *
     * @param message what happened
     * @param httpStatus the HTTP status of the server's answer, or 0
     * @param serverCode the server's error code, or null
     * @param outcomeUnknown true when a create may still have started a payment
     */
    public InvalidArgumentException(String message, int httpStatus, String serverCode, boolean outcomeUnknown) {
        super(TerminalResult.INVALID_ARGUMENT, message, httpStatus, serverCode, outcomeUnknown);
    }
}
