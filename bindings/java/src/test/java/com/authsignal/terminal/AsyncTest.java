package com.authsignal.terminal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;

/** The CompletableFuture variants, and many threads on one client. */
public class AsyncTest {
    @Test
    public void createGetAndWaitAsync() throws Exception {
        try (TerminalClient client = Sim.client()) {
            final String tid = Sim.tid("+outcome=COMPLETED+polls=1");
            PaymentSession done = client.createPaymentSessionAsync(tid, new BigDecimal("3.00"), "EUR", "java-async")
                    .thenCompose(s -> client.getPaymentSessionAsync(tid, s.getChallengeId()))
                    .thenCompose(s -> client.waitPaymentSessionAsync(tid, s.getChallengeId(), Duration.ofSeconds(30), null))
                    .get(30, TimeUnit.SECONDS);
            assertEquals(PaymentStatus.COMPLETED, done.getStatus());
            assertEquals("java-async", done.getReference());
            assertEquals(PaymentStatus.PENDING,
                    client.createPaymentSessionMinorAsync(tid, 300, "EUR", null).get(30, TimeUnit.SECONDS).getStatus());
        }
    }

    @Test
    public void anAsyncCallFailsWithTheLibrarysException() throws Exception {
        try (TerminalClient client = Sim.client()) {
            try {
                client.createPaymentSessionAsync(Sim.tid("+fault=503"), BigDecimal.ONE, "USD", null).get();
                fail();
            } catch (ExecutionException e) {
                assertTrue(e.getCause() instanceof OutcomeUnknownException);
                assertEquals(503, ((OutcomeUnknownException) e.getCause()).getHttpStatus());
            }
        }
    }

    @Test
    public void manyThreadsShareOneClient() throws Exception {
        try (final TerminalClient client = Sim.client()) {
            final AtomicInteger completed = new AtomicInteger();
            List<Thread> threads = new ArrayList<Thread>();
            final List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<Throwable>();
            for (int i = 0; i < 8; i++) {
                Thread t = new Thread(() -> {
                    try {
                        String tid = Sim.tid("+outcome=COMPLETED+polls=1");
                        String id = client.createPaymentSessionMinor(tid, 100, "USD", null).getChallengeId();
                        if (client.waitPaymentSession(tid, id, Duration.ofSeconds(30)).getStatus() == PaymentStatus.COMPLETED) {
                            completed.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join(60000);
            }
            assertTrue(errors.toString(), errors.isEmpty());
            assertEquals(8, completed.get());
        }
    }

    @Test
    public void manyFuturesOnOneClient() throws Exception {
        try (TerminalClient client = Sim.client()) {
            List<CompletableFuture<PaymentSession>> all = new ArrayList<CompletableFuture<PaymentSession>>();
            for (int i = 0; i < 16; i++) {
                all.add(client.createPaymentSessionMinorAsync(Sim.tid(), 100 + i, "USD", "java-many-" + i));
            }
            for (int i = 0; i < all.size(); i++) {
                assertEquals("java-many-" + i, all.get(i).get(30, TimeUnit.SECONDS).getReference());
            }
        }
    }
}
