package com.authsignal.terminal;

/** Run in a child JVM by LoadingTest: prints the library's version, or the load error. */
public final class LoadProbe {
    private LoadProbe() {
    }

    public static void main(String[] args) {
        try {
            System.out.println("VERSION=" + TerminalClient.libraryVersion());
        } catch (UnsatisfiedLinkError e) {
            System.out.println("ERROR=" + e.getMessage());
        }
    }
}
