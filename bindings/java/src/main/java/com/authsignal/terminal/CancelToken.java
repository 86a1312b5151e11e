package com.authsignal.terminal;

import com.authsignal.terminal.internal.NativeLibrary;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;

/**
 * Ends waits early: {@link #cancel()} makes every {@link TerminalClient#waitPaymentSession}
 * given this token (running now or started later) end with {@link WaitCancelledException}
 * within 100 ms. Thread-safe; cancelling is final. The API has no cancel endpoint: the
 * terminal's prompt stays until the customer acts or it expires.
 */
public final class CancelToken {
    private final List<Pointer> natives = new ArrayList<Pointer>();
    private boolean cancelled;

    /** Cancels every wait given this token. Calling it again does nothing. */
    public synchronized void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        for (Pointer token : natives) {
            NativeLibrary.get().as_cancel_token_cancel(token);
        }
    }

    /** True once {@link #cancel()} was called. */
    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /** Links a native token (alive until {@link #detach}) to this one. */
    synchronized void attach(Pointer token) {
        if (cancelled) {
            NativeLibrary.get().as_cancel_token_cancel(token);
        }
        natives.add(token);
    }

    /** Unlinks a native token; after it returns, this token never touches it again. */
    synchronized void detach(Pointer token) {
        natives.remove(token);
    }

    @Override
    public String toString() {
        return "CancelToken(cancelled=" + isCancelled() + ")";
    }
}
