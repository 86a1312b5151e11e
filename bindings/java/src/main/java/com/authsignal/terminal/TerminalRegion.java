package com.authsignal.terminal;

/** The Authsignal region that serves the terminals ({@code as_region}). */
public enum TerminalRegion {
    US(0),
    AU(1),
    EU(2),
    CA(3);

    private final int code;

    TerminalRegion(int code) {
        this.code = code;
    }

    /** The {@code as_region} number. */
    public int code() {
        return code;
    }
}
