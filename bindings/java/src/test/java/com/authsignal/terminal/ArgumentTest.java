package com.authsignal.terminal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.Test;

/** Bad arguments: NullPointerException / IllegalArgumentException naming the parameter, before any call. */
public class ArgumentTest {
    interface Call {
        void run() throws Exception;
    }

    private static void assertThrowsNaming(Class<? extends RuntimeException> type, String parameter, Call call)
            throws Exception {
        try {
            call.run();
            fail("no exception; wanted " + type.getSimpleName() + " for " + parameter);
        } catch (RuntimeException e) {
            assertTrue("got " + e, type.isInstance(e));
            assertTrue(e.getMessage(), e.getMessage().startsWith(parameter + " ") || e.getMessage().startsWith(parameter + ":"));
        }
    }

    @Test
    public void nullsAreNullPointerExceptionsNamingTheParameter() throws Exception {
        try (final TerminalClient client = Sim.client()) {
            final String tid = Sim.tid();
            assertThrowsNaming(NullPointerException.class, "terminalId",
                () -> client.createPaymentSession(null, BigDecimal.ONE, "USD", null));
            assertThrowsNaming(NullPointerException.class, "amount",
                () -> client.createPaymentSession(tid, null, "USD", null));
            assertThrowsNaming(NullPointerException.class, "currency",
                () -> client.createPaymentSession(tid, BigDecimal.ONE, null, null));
            assertThrowsNaming(NullPointerException.class, "currency",
                () -> client.createPaymentSessionMinor(tid, 100, null, null));
            assertThrowsNaming(NullPointerException.class, "terminalId", () -> client.getPaymentSession(null, "ch"));
            assertThrowsNaming(NullPointerException.class, "challengeId", () -> client.getPaymentSession(tid, null));
            assertThrowsNaming(NullPointerException.class, "challengeId",
                () -> client.waitPaymentSession(tid, null, Duration.ofSeconds(1)));
            assertThrowsNaming(NullPointerException.class, "timeout", () -> client.waitPaymentSession(tid, "ch", null));
            assertThrowsNaming(NullPointerException.class, "reference", () -> client.findPaymentSession(null));
            assertThrowsNaming(NullPointerException.class, "reference", () -> client.forgetReference(null));
            assertThrowsNaming(NullPointerException.class, "terminalId",
                () -> client.createPaymentSessionAsync(null, BigDecimal.ONE, "USD", null));
            assertThrowsNaming(NullPointerException.class, "challengeId",
                () -> client.waitPaymentSessionAsync(tid, null, Duration.ofSeconds(1), null));
        }
        assertThrowsNaming(NullPointerException.class, "options", () -> new TerminalClient(null));
        assertThrowsNaming(NullPointerException.class, "region", () -> TerminalClientOptions.builder().region(null));
    }

    @Test
    public void stringsACStringCannotCarryAreIllegalArguments() throws Exception {
        try (final TerminalClient client = Sim.client()) {
            assertThrowsNaming(IllegalArgumentException.class, "terminalId",
                () -> client.createPaymentSession("tid\0x", BigDecimal.ONE, "USD", null));
            assertThrowsNaming(IllegalArgumentException.class, "reference",
                () -> client.createPaymentSession(Sim.tid(), BigDecimal.ONE, "USD", "r\0"));
            assertThrowsNaming(IllegalArgumentException.class, "challengeId",
                () -> client.getPaymentSession(Sim.tid(), "bad\ud800"));
        }
        assertThrowsNaming(IllegalArgumentException.class, "baseUrl",
            () -> new TerminalClient(TerminalClientOptions.builder().baseUrl("https://x\0").build()));
    }

    @Test
    public void durationsMustBeRepresentable() throws Exception {
        try (final TerminalClient client = Sim.client()) {
            assertThrowsNaming(IllegalArgumentException.class, "timeout",
                () -> client.waitPaymentSession(Sim.tid(), "ch", Duration.ofMillis(-1)));
            assertThrowsNaming(IllegalArgumentException.class, "timeout",
                () -> client.waitPaymentSession(Sim.tid(), "ch", Duration.ofMillis(0x100000000L)));
            assertThrowsNaming(IllegalArgumentException.class, "timeout",
                () -> client.waitPaymentSession(Sim.tid(), "ch", Duration.ofSeconds(Long.MAX_VALUE)));
        }
        assertThrowsNaming(IllegalArgumentException.class, "connectTimeout",
            () -> new TerminalClient(Sim.options().connectTimeout(Duration.ofSeconds(-1)).build()));
        assertThrowsNaming(IllegalArgumentException.class, "journalRetention",
            () -> new TerminalClient(Sim.options().journalRetention(Duration.ofMillis(-5)).build()));
    }

    @Test
    public void terminalAndChallengeIdsTheLibraryRefuse() throws Exception {
        try (TerminalClient client = Sim.client()) {
            for (String tid : new String[] {"", " ", "a b", "tab\there", "new\nline"}) {
                try {
                    client.createPaymentSession(tid, BigDecimal.ONE, "USD", null);
                    fail();
                } catch (InvalidArgumentException e) {
                    assertEquals(TerminalResult.INVALID_ARGUMENT, e.getResult());
                }
            }
            for (String id : new String[] {"", "has space", "slash/es", "dot.s"}) {
                try {
                    client.getPaymentSession(Sim.tid(), id);
                    fail(id);
                } catch (InvalidArgumentException e) {
                    assertEquals(TerminalResult.INVALID_ARGUMENT, e.getResult());
                }
            }
        }
    }

    @Test
    public void anAsyncCallFailsWithWhatTheLibraryRefuses() throws Exception {
        try (TerminalClient client = Sim.client()) {
            try {
                client.getPaymentSessionAsync(Sim.tid(), "has space").get();
                fail();
            } catch (ExecutionException e) {
                assertTrue(e.getCause() instanceof InvalidArgumentException);
            }
        }
    }
}
