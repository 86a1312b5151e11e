package com.authsignal.terminal;

import com.authsignal.terminal.internal.NativeError;
import com.authsignal.terminal.internal.NativeLibrary;
import com.authsignal.terminal.internal.NativeMethods;
import com.authsignal.terminal.internal.Utf8;
import com.sun.jna.Pointer;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The native library's log lines ({@code as_set_log_callback}), routed into the POS's own
 * log: {@link #toJavaUtilLogging} sends them to the {@code java.util.logging} logger
 * {@value #LOGGER_NAME}; {@link #setHandler} to any handler. Lines say what was sent, the
 * HTTP status and timing of each answer, retries and each poll of a wait; they never hold
 * a terminal id in clear (at most its last 4 characters), nor request or answer bodies.
 * Logging is off until one of them is called, and process-wide.
 */
public final class TerminalLog {
    /** The logger {@link #toJavaUtilLogging} writes to. */
    public static final String LOGGER_NAME = "com.authsignal.terminal";

    private static final Object GATE = new Object();

    // The one callback the library ever holds: a static field, so the garbage collector
    // never frees it while native code may still call it.
    private static final NativeMethods.LogCallback CALLBACK = new NativeMethods.LogCallback() {
        @Override
        public void invoke(Pointer userData, int level, Pointer message) {
            IN_CALLBACK.set(Boolean.TRUE);
            try {
                BiConsumer<TerminalLogLevel, String> current = handler;
                if (current != null) {
                    current.accept(TerminalLogLevel.fromCode(level), Utf8.fromNative(message));
                }
            } catch (Throwable e) {
                // An exception must not unwind into the library; the handler's own failure
                // is not the library's to report.
            } finally {
                IN_CALLBACK.remove();
            }
        }
    };

    // True on a thread while it runs the handler: a setHandler from there must not wait
    // for GATE, which a setHandler on another thread may hold while the library waits for
    // this very callback to return.
    private static final ThreadLocal<Boolean> IN_CALLBACK = new ThreadLocal<Boolean>();

    private static volatile BiConsumer<TerminalLogLevel, String> handler;

    private TerminalLog() {
    }

    /**
     * Sends the library's lines up to {@code maxLevel} to {@code handler}, replacing any
     * handler set before; null turns logging off. The handler runs on the thread of the
     * library call that logs (several at once), must be thread-safe and must not call into
     * the library.
     *
     * @param handler the handler, or null for none
     * @param maxLevel the most detailed level passed on
     * @throws NullPointerException maxLevel is null
     * @throws AuthsignalTerminalException the library refused (e.g. called from inside a handler)
     */
    public static void setHandler(BiConsumer<TerminalLogLevel, String> handler, TerminalLogLevel maxLevel)
            throws AuthsignalTerminalException {
        if (maxLevel == null) {
            throw new NullPointerException("maxLevel must not be null");
        }
        NativeMethods lib = NativeLibrary.get();
        if (IN_CALLBACK.get() != null) {
            // The library refuses a change from inside a callback and keeps the handler.
            NativeError.check(lib.as_set_log_callback(handler == null ? null : CALLBACK, null, maxLevel.code()));
            return;
        }
        synchronized (GATE) {
            BiConsumer<TerminalLogLevel, String> previous = TerminalLog.handler;
            TerminalLog.handler = handler;
            int result = lib.as_set_log_callback(handler == null ? null : CALLBACK, null, maxLevel.code());
            if (result != 0) {
                AuthsignalTerminalException error = NativeError.fromLastError(result);
                TerminalLog.handler = previous;
                throw error;
            }
        }
    }

    /**
     * Sends the library's lines up to {@code maxLevel} to the {@code java.util.logging}
     * logger {@value #LOGGER_NAME}: ERROR as SEVERE, WARN as WARNING, INFO as INFO, DEBUG as
     * FINE.
     *
     * @param maxLevel the most detailed level passed on
     * @throws AuthsignalTerminalException the library refused
     */
    public static void toJavaUtilLogging(TerminalLogLevel maxLevel) throws AuthsignalTerminalException {
        final Logger logger = Logger.getLogger(LOGGER_NAME);
        setHandler(new BiConsumer<TerminalLogLevel, String>() {
            @Override
            public void accept(TerminalLogLevel level, String message) {
                logger.log(toJul(level), message);
            }
        }, maxLevel);
    }

    /** Turns the library's logging off (the default). */
    public static void off() throws AuthsignalTerminalException {
        setHandler(null, TerminalLogLevel.ERROR);
    }

    static Level toJul(TerminalLogLevel level) {
        switch (level) {
            case ERROR:
                return Level.SEVERE;
            case WARN:
                return Level.WARNING;
            case INFO:
                return Level.INFO;
            default:
                return Level.FINE;
        }
    }
}
