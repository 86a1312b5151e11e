package com.authsignal.terminal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.math.BigDecimal;
import org.junit.Test;

/** BigDecimal and minor-unit amounts travel exactly: what reaches the server, and what is refused before sending. */
public class AmountTest {
    private static String sentBody(BigDecimal amount, String currency) throws Exception {
        try (Sim.Capture server = new Sim.Capture(); TerminalClient client = server.client()) {
            client.createPaymentSession(Sim.tid(), amount, currency, null);
            return server.body;
        }
    }

    private static String sentBodyMinor(long amount, String currency) throws Exception {
        try (Sim.Capture server = new Sim.Capture(); TerminalClient client = server.client()) {
            client.createPaymentSessionMinor(Sim.tid(), amount, currency, null);
            return server.body;
        }
    }

    @Test
    public void theAmountIsSentExactly() throws Exception {
        String[][] cases = {
            {"12.50", "USD", "{\"amount\":12.5,\"currency\":\"USD\"}"},
            {"12.500", "usd", "{\"amount\":12.5,\"currency\":\"USD\"}"},
            {"1000", "JPY", "{\"amount\":1000,\"currency\":\"JPY\"}"},
            {"1E+3", "JPY", "{\"amount\":1000,\"currency\":\"JPY\"}"},
            {"1.234", "BHD", "{\"amount\":1.234,\"currency\":\"BHD\"}"},
            {"0.01", "EUR", "{\"amount\":0.01,\"currency\":\"EUR\"}"},
            {"1.2345", "CLF", "{\"amount\":1.2345,\"currency\":\"CLF\"}"},
            {"9999999999999.99", "USD", "{\"amount\":9999999999999.99,\"currency\":\"USD\"}"},
            {"5", "usn", "{\"amount\":5,\"currency\":\"USN\"}"},
        };
        for (String[] c : cases) {
            assertEquals(c[0] + " " + c[1], c[2], sentBody(new BigDecimal(c[0]), c[1]));
        }
    }

    @Test
    public void bigDecimalArithmeticHasNoFloatNoise() throws Exception {
        assertEquals("{\"amount\":0.3,\"currency\":\"NZD\"}",
                sentBody(new BigDecimal("0.1").add(new BigDecimal("0.2")), "NZD"));
    }

    @Test
    public void minorUnitsAreSentExactly() throws Exception {
        assertEquals("{\"amount\":12.5,\"currency\":\"USD\"}", sentBodyMinor(1250, "USD"));
        assertEquals("{\"amount\":1000,\"currency\":\"JPY\"}", sentBodyMinor(1000, "JPY"));
        assertEquals("{\"amount\":1.234,\"currency\":\"BHD\"}", sentBodyMinor(1234, "BHD"));
        assertEquals("{\"amount\":9999999999999.99,\"currency\":\"USD\"}", sentBodyMinor(999999999999999L, "USD"));
    }

    private static <T extends Exception> T refusedBeforeSending(Class<T> type, BigDecimal amount, String currency)
            throws Exception {
        try (Sim.Capture server = new Sim.Capture(); TerminalClient client = server.client()) {
            try {
                client.createPaymentSession(Sim.tid(), amount, currency, null);
            } catch (Exception e) {
                assertEquals(0, server.requests.get());
                assertTrue("got " + e, type.isInstance(e));
                return type.cast(e);
            }
            fail("no exception for " + amount + " " + currency);
            return null;
        }
    }

    @Test
    public void morePlacesThanTheCurrencyHasIsRefusedBeforeSending() throws Exception {
        String[][] cases = {{"10.005", "USD"}, {"1.5", "JPY"}, {"1.2345", "BHD"}, {"0.001", "EUR"}};
        for (String[] c : cases) {
            IllegalArgumentException e = refusedBeforeSending(IllegalArgumentException.class, new BigDecimal(c[0]), c[1]);
            assertTrue(e.getMessage(), e.getMessage().startsWith("amount"));
            assertTrue(e.getMessage(), e.getMessage().contains("refused rather than rounded"));
        }
    }

    @Test
    public void amountsOutOfRangeAreRefusedBeforeSending() throws Exception {
        for (String a : new String[] {"0", "0.00", "-1.00", "79228162514264337593543950335", "-79228162514264337593543950335"}) {
            IllegalArgumentException e = refusedBeforeSending(IllegalArgumentException.class, new BigDecimal(a), "USD");
            assertTrue(e.getMessage(), e.getMessage().startsWith("amount"));
        }
    }

    @Test
    public void minorAmountsOfZeroOrLessAreRefused() throws Exception {
        try (Sim.Capture server = new Sim.Capture(); TerminalClient client = server.client()) {
            for (long a : new long[] {0, -1, Long.MIN_VALUE}) {
                try {
                    client.createPaymentSessionMinor(Sim.tid(), a, "USD", null);
                    fail();
                } catch (IllegalArgumentException e) {
                    assertTrue(e.getMessage().startsWith("amountMinor"));
                }
            }
            assertEquals(0, server.requests.get());
        }
    }

    @Test
    public void anAmountOverTheLibrarysLimitIsTheLibrarysInvalidArgument() throws Exception {
        InvalidArgumentException e = refusedBeforeSending(InvalidArgumentException.class,
                new BigDecimal("10000000000000.00"), "USD");
        assertEquals(TerminalResult.INVALID_ARGUMENT, e.getResult());
        assertEquals(0, e.getHttpStatus());
        assertFalse(e.isOutcomeUnknown());
        try (Sim.Capture server = new Sim.Capture(); TerminalClient client = server.client()) {
            client.createPaymentSessionMinor(Sim.tid(), 1000000000000000L, "USD", null);
            fail();
        } catch (InvalidArgumentException expected) {
            assertEquals(TerminalResult.INVALID_ARGUMENT, expected.getResult());
        }
    }

    @Test
    public void malformedCurrenciesAreRefused() throws Exception {
        for (String c : new String[] {"US", "USDD", "U5D", "", "\u00dcSD", "QQQ"}) {
            IllegalArgumentException e = refusedBeforeSending(IllegalArgumentException.class, BigDecimal.ONE, c);
            assertTrue(e.getMessage(), e.getMessage().startsWith("currency"));
        }
    }
}
