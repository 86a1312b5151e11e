package com.authsignal.terminal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/** close(): twice is fine, calls after it are refused, a wait in flight finishes first. */
public class LifetimeTest {
    @Test
    public void closeTwiceDoesNothingTheSecondTime() throws Exception {
        TerminalClient client = Sim.client();
        client.close();
        client.close();
        assertEquals("TerminalClient(closed)", client.toString());
    }

    @Test
    public void callsAfterCloseThrowIllegalState() throws Exception {
        final TerminalClient client = Sim.client();
        client.close();
        try {
            client.createPaymentSession(Sim.tid(), BigDecimal.ONE, "USD", null);
            fail();
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage().contains("closed"));
        }
        try {
            client.diagnose();
            fail();
        } catch (IllegalStateException expected) {
            assertTrue(expected.getMessage().contains("closed"));
        }
    }

    @Test
    public void closeDuringAWaitLetsTheWaitFinishFirst() throws Exception {
        TerminalClient client = Sim.client();
        String tid = Sim.tid("+outcome=COMPLETED+polls=3");
        String id = client.createPaymentSession(tid, BigDecimal.ONE, "USD", null).getChallengeId();
        CompletableFuture<PaymentSession> wait = client.waitPaymentSessionAsync(tid, id, Duration.ofSeconds(30), null);
        Thread.sleep(100);
        client.close();
        assertEquals(PaymentStatus.COMPLETED, wait.get(30, TimeUnit.SECONDS).getStatus());
    }

    @Test
    public void aClientDroppedWithoutCloseIsFreedByTheGarbageCollector() throws Exception {
        int before = TerminalClient.reapedCount();
        makeAndDrop();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (TerminalClient.reapedCount() <= before && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        assertTrue(TerminalClient.reapedCount() > before);
        // A closed client is not freed again when it is collected.
        TerminalClient closed = Sim.client();
        closed.close();
        closed = null;
        int after = TerminalClient.reapedCount();
        System.gc();
        Thread.sleep(200);
        assertEquals(after, TerminalClient.reapedCount());
    }

    private static void makeAndDrop() throws Exception {
        TerminalClient client = Sim.client();
        client.createPaymentSession(Sim.tid(), BigDecimal.ONE, "USD", null);
    }

    @Test
    public void theDefaultsMakeAClientAndEachRegionToo() throws Exception {
        new TerminalClient().close();
        for (TerminalRegion region : TerminalRegion.values()) {
            new TerminalClient(TerminalClientOptions.builder().region(region).build()).close();
        }
    }

    @Test
    public void optionsTheLibraryRefuseAreItsInvalidArgument() throws Exception {
        String[] baseUrls = {"http://example.com/v1", "not a url", "ftp://127.0.0.1/v1"};
        for (String url : baseUrls) {
            try {
                new TerminalClient(TerminalClientOptions.builder().baseUrl(url).build()).close();
                fail(url);
            } catch (InvalidArgumentException e) {
                assertEquals(TerminalResult.INVALID_ARGUMENT, e.getResult());
            }
        }
        try {
            new TerminalClient(Sim.options().caFile("/nonexistent/ca.pem").build()).close();
            fail();
        } catch (InvalidArgumentException e) {
            assertEquals(TerminalResult.INVALID_ARGUMENT, e.getResult());
        }
        try {
            new TerminalClient(Sim.options().requestTimeout(Duration.ZERO).build()).close();
            fail();
        } catch (InvalidArgumentException e) {
            assertEquals(TerminalResult.INVALID_ARGUMENT, e.getResult());
        }
    }

    @Test
    public void theUserAgentCarriesTheBindingTokenThenTheSuffix() throws Exception {
        try (Sim.Capture server = new Sim.Capture();
                TerminalClient client = new TerminalClient(TerminalClientOptions.builder()
                        .baseUrl(server.baseUrl()).userAgentSuffix("pos/1.2").build())) {
            String tid = Sim.tid();
            client.createPaymentSession(tid, BigDecimal.ONE, "USD", null);
            String agent = server.headers.get("user-agent");
            assertTrue(agent, agent.contains("authsignal-terminal-java/" + TerminalClient.BINDING_VERSION + " pos/1.2"));
            assertTrue(server.headers.toString().contains(tid)); // the id goes in its header, and only there
        }
    }
}
