package com.authsignal.terminal;

/** The outcome codes of the native library, with the numbers of its {@code as_result}. */
public enum TerminalResult {
    OK(0),
    INVALID_ARGUMENT(1),
    UNAUTHORIZED(2),
    INVALID_REQUEST(3),
    NOT_FOUND(4),
    RATE_LIMITED(5),
    SERVER_ERROR(6),
    TIMEOUT(7),
    NETWORK(8),
    TLS(9),
    PROTOCOL(10),
    CANCELLED(11),
    STILL_PENDING(12),
    INTERNAL(13),
    DUPLICATE_REFERENCE(14),
    JOURNAL(15);

    private final int code;

    TerminalResult(int code) {
        this.code = code;
    }

    /** The {@code as_result} number. */
    public int code() {
        return code;
    }

    /** The result with this number, or {@link #INTERNAL} for a number this version does not know. */
    public static TerminalResult fromCode(int code) {
        for (TerminalResult r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        return INTERNAL;
    }
}
