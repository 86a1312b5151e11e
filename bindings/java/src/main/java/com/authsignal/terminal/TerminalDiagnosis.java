package com.authsignal.terminal;

/** The result of {@link TerminalClient#diagnose}: the verdict, the text for people and the JSON report. */
public final class TerminalDiagnosis {
    private final boolean passed;
    private final String text;
    private final String json;

    TerminalDiagnosis(boolean passed, String text, String json) {
        this.passed = passed;
        this.text = text;
        this.json = json;
    }

    /** True when no check failed (warnings allowed). */
    public boolean isPassed() {
        return passed;
    }

    /** One line per check with its verdict and, under a check that is not ok, a fix. */
    public String getText() {
        return text;
    }

    /** The diagnosis as one JSON object (field names documented in the README; the terminal id only redacted). */
    public String getJson() {
        return json;
    }

    @Override
    public String toString() {
        return text;
    }
}
