package com.authsignal.terminal;

/** The level of one of the library's log lines ({@code as_log_level}). */
public enum TerminalLogLevel {
    ERROR(1),
    WARN(2),
    INFO(3),
    DEBUG(4);

    private final int code;

    TerminalLogLevel(int code) {
        this.code = code;
    }

    /** The {@code as_log_level} number. */
    public int code() {
        return code;
    }

    static TerminalLogLevel fromCode(int code) {
        for (TerminalLogLevel l : values()) {
            if (l.code == code) {
                return l;
            }
        }
        return DEBUG;
    }
}
