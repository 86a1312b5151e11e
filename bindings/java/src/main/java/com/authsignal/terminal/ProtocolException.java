package com.authsignal.terminal;

/** {@link TerminalResult#PROTOCOL}: an answer the library cannot accept: bad JSON, missing fields, too large, a redirect. */
public class ProtocolException extends AuthsignalTerminalException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception (the wrapper makes them from the library's last error).
     *
     * @param message what happened
     * @param httpStatus the HTTP status of the server's answer, or 0
     * @param serverCode the server's error code, or null
     * @param outcomeUnknown true when a create may still have started a payment
     */
    public ProtocolException(String message, int httpStatus, String serverCode, boolean outcomeUnknown) {
        super(TerminalResult.PROTOCOL, message, httpStatus, serverCode, outcomeUnknown);
    }
}
