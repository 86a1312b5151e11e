package com.authsignal.terminal;

/**
 * A call into libauthsignal_terminal failed. There is one subclass per {@link TerminalResult}
 * (for example {@link NetworkException} for {@link TerminalResult#NETWORK}), and
 * {@link OutcomeUnknownException} for a create that may still have started a payment.
 *
 * <p>Bad arguments the wrapper can see itself (null, a NUL character, an amount of zero or
 * less, a currency that is not an active ISO 4217 code, more decimal places than the
 * currency has) are Java's own unchecked {@link NullPointerException} and
 * {@link IllegalArgumentException}, naming the parameter. The message never holds a
 * terminal id in clear.
 */
public class AuthsignalTerminalException extends Exception {
    private static final long serialVersionUID = 1L;

    private final TerminalResult result;
    private final int httpStatus;
    private final String serverCode;
    private final boolean outcomeUnknown;

    /**
     * Makes an exception (for a POS's own tests; the wrapper makes them from the library's last error).
     *
     * @param result which failure; not {@link TerminalResult#OK}
     * @param message what happened
     * @param httpStatus the HTTP status of the server's answer, or 0
     * @param serverCode the server's error code, or null
     * @param outcomeUnknown true when a create may still have started a payment
     */
    public AuthsignalTerminalException(TerminalResult result, String message, int httpStatus, String serverCode,
            boolean outcomeUnknown) {
        this(result, message, httpStatus, serverCode, outcomeUnknown, null);
    }

    protected AuthsignalTerminalException(TerminalResult result, String message, int httpStatus, String serverCode,
            boolean outcomeUnknown, Throwable cause) {
        super(message, cause);
        if (result == null) {
            throw new NullPointerException("result must not be null");
        }
        if (result == TerminalResult.OK) {
            throw new IllegalArgumentException("result: a success is no exception");
        }
        this.result = result;
        this.httpStatus = httpStatus;
        this.serverCode = serverCode;
        this.outcomeUnknown = outcomeUnknown;
    }

    /** Which failure ({@code as_result}). */
    public TerminalResult getResult() {
        return result;
    }

    /** The HTTP status of the server's answer; 0 when no HTTP answer was involved. */
    public int getHttpStatus() {
        return httpStatus;
    }

    /** The server's error code (Authsignal's {@code errorCode}, e.g. "unauthorized"), or null. */
    public String getServerCode() {
        return serverCode;
    }

    /**
     * True when a create failed in a way that may still have created a payment session:
     * the terminal may be prompting, so check it before creating again.
     */
    public boolean isOutcomeUnknown() {
        return outcomeUnknown;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(super.toString());
        s.append(" [result=").append(result).append(", httpStatus=").append(httpStatus);
        if (serverCode != null) {
            s.append(", serverCode=").append(serverCode);
        }
        s.append(", outcomeUnknown=").append(outcomeUnknown).append(']');
        return s.toString();
    }
}
