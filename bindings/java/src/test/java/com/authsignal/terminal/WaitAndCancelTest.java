package com.authsignal.terminal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/** Waits: the timeout, the CancelToken, and cancelling a wait's future. */
public class WaitAndCancelTest {
    private static void cancelLater(final CancelToken token, final long ms) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                return;
            }
            token.cancel();
        });
        t.setDaemon(true);
        t.start();
    }

    @Test
    public void cancellingTheTokenEndsAWait() throws Exception {
        try (TerminalClient client = Sim.client()) {
            String tid = Sim.tid("+outcome=PENDING");
            String id = client.createPaymentSession(tid, BigDecimal.ONE, "USD", null).getChallengeId();
            CancelToken token = new CancelToken();
            cancelLater(token, 300);
            long start = System.nanoTime();
            try {
                client.waitPaymentSession(tid, id, Duration.ofSeconds(30), token);
                fail();
            } catch (WaitCancelledException e) {
                assertEquals(TerminalResult.CANCELLED, e.getResult());
                assertFalse(e.toString().contains(tid));
            }
            assertTrue(token.isCancelled());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test
    public void cancellingDuringASlowReadEndsTheWait() throws Exception {
        try (TerminalClient client = Sim.client()) {
            String tid = Sim.tid("+outcome=PENDING+delay=2000");
            PaymentSession s;
            try (TerminalClient quick = Sim.client()) {
                s = quick.createPaymentSession(tid, BigDecimal.ONE, "USD", null);
            }
            CancelToken token = new CancelToken();
            cancelLater(token, 300);
            long start = System.nanoTime();
            try {
                client.waitPaymentSession(tid, s.getChallengeId(), Duration.ofSeconds(30), token);
                fail();
            } catch (WaitCancelledException expected) {
                assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(1800));
            }
        }
    }

    @Test
    public void anAlreadyCancelledTokenEndsTheWaitAtOnce() throws Exception {
        try (TerminalClient client = Sim.client()) {
            String tid = Sim.tid("+outcome=PENDING");
            String id = client.createPaymentSession(tid, BigDecimal.ONE, "USD", null).getChallengeId();
            CancelToken token = new CancelToken();
            token.cancel();
            token.cancel();
            try {
                client.waitPaymentSession(tid, id, Duration.ofSeconds(30), token);
                fail();
            } catch (WaitCancelledException expected) {
                assertEquals(TerminalResult.CANCELLED, expected.getResult());
            }
        }
    }

    @Test
    public void oneTokenCancelsManyWaits() throws Exception {
        try (TerminalClient client = Sim.client()) {
            CancelToken token = new CancelToken();
            CompletableFuture<?>[] waits = new CompletableFuture<?>[4];
            for (int i = 0; i < waits.length; i++) {
                String tid = Sim.tid("+outcome=PENDING");
                String id = client.createPaymentSession(tid, BigDecimal.ONE, "USD", null).getChallengeId();
                waits[i] = client.waitPaymentSessionAsync(tid, id, Duration.ofSeconds(30), token);
            }
            Thread.sleep(200);
            token.cancel();
            for (CompletableFuture<?> w : waits) {
                try {
                    w.get(10, TimeUnit.SECONDS);
                    fail();
                } catch (ExecutionException e) {
                    assertTrue(e.getCause() instanceof WaitCancelledException);
                }
            }
        }
    }

    @Test
    public void cancellingAnAsyncWaitsFutureEndsTheWait() throws Exception {
        try (TerminalClient client = Sim.client()) {
            String tid = Sim.tid("+outcome=PENDING");
            String id = client.createPaymentSession(tid, BigDecimal.ONE, "USD", null).getChallengeId();
            CompletableFuture<PaymentSession> wait = client.waitPaymentSessionAsync(tid, id, Duration.ofSeconds(30), null);
            Thread.sleep(200);
            assertTrue(wait.cancel(true));
            try {
                wait.get();
                fail();
            } catch (CancellationException expected) {
                assertTrue(wait.isCancelled());
            }
        }
    }

    @Test
    public void anUncancelledTokenLetsTheWaitFinish() throws Exception {
        try (TerminalClient client = Sim.client()) {
            String tid = Sim.tid("+outcome=FAILED+polls=1");
            String id = client.createPaymentSession(tid, BigDecimal.ONE, "USD", null).getChallengeId();
            CancelToken token = new CancelToken();
            assertEquals(PaymentStatus.FAILED,
                    client.waitPaymentSession(tid, id, Duration.ofSeconds(30), token).getStatus());
            assertFalse(token.isCancelled());
            token.cancel(); // after the wait: touches no freed native token
        }
    }

    @Test
    public void theWaitTimeoutEndsInStillPendingNotCancelled() throws Exception {
        try (TerminalClient client = Sim.client()) {
            String tid = Sim.tid("+outcome=PENDING");
            String id = client.createPaymentSession(tid, BigDecimal.ONE, "USD", null).getChallengeId();
            try {
                client.waitPaymentSession(tid, id, Duration.ofMillis(300), new CancelToken());
                fail();
            } catch (StillPendingException e) {
                assertEquals(TerminalResult.STILL_PENDING, e.getResult());
                assertFalse(e.isOutcomeUnknown());
            }
            try {
                client.waitPaymentSession(tid, id, Duration.ZERO);
                fail();
            } catch (StillPendingException expected) {
                assertEquals(TerminalResult.STILL_PENDING, expected.getResult());
            }
        }
    }
}
