package com.authsignal.terminal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.After;
import org.junit.Test;

/** The library's log lines into java.util.logging and into a handler, never with the terminal id. */
public class LogTest {
    @After
    public void off() throws Exception {
        TerminalLog.off();
    }

    @Test
    public void linesReachJavaUtilLoggingWithoutTheTerminalId() throws Exception {
        final List<LogRecord> records = new CopyOnWriteArrayList<LogRecord>();
        Logger logger = Logger.getLogger(TerminalLog.LOGGER_NAME);
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level before = logger.getLevel();
        boolean parents = logger.getUseParentHandlers();
        logger.addHandler(capture);
        logger.setLevel(Level.ALL);
        logger.setUseParentHandlers(false); // keep the lines out of the test output
        try {
            TerminalLog.toJavaUtilLogging(TerminalLogLevel.DEBUG);
            String tid = Sim.tid();
            try (TerminalClient client = Sim.client()) {
                client.createPaymentSession(tid, BigDecimal.ONE, "USD", null);
            }
            assertFalse(records.isEmpty());
            String bare = tid.substring(0, tid.length() - 4);
            for (LogRecord r : records) {
                assertFalse(r.getMessage(), r.getMessage().contains(bare));
            }
        } finally {
            logger.removeHandler(capture);
            logger.setLevel(before);
            logger.setUseParentHandlers(parents);
        }
    }

    @Test
    public void theLevelLimitsTheLinesAndOffStopsThem() throws Exception {
        final List<TerminalLogLevel> levels = new CopyOnWriteArrayList<TerminalLogLevel>();
        TerminalLog.setHandler((level, message) -> levels.add(level), TerminalLogLevel.INFO);
        try (TerminalClient client = Sim.client()) {
            client.createPaymentSession(Sim.tid(), BigDecimal.ONE, "USD", null);
            assertFalse(levels.isEmpty());
            assertFalse(levels.contains(TerminalLogLevel.DEBUG));
            TerminalLog.off();
            levels.clear();
            client.createPaymentSession(Sim.tid(), BigDecimal.ONE, "USD", null);
            assertTrue(levels.isEmpty());
        }
    }

    @Test
    public void aHandlerThatThrowsDoesNotBreakCalls() throws Exception {
        TerminalLog.setHandler((level, message) -> {
            throw new IllegalStateException("handler bug");
        }, TerminalLogLevel.DEBUG);
        try (TerminalClient client = Sim.client()) {
            assertEquals(PaymentStatus.PENDING,
                    client.createPaymentSession(Sim.tid(), BigDecimal.ONE, "USD", null).getStatus());
        }
    }

    @Test
    public void aLogHandlerCallingBackIntoTheLibraryIsRefusedThere() throws Exception {
        final List<Throwable> seen = new CopyOnWriteArrayList<Throwable>();
        TerminalLog.setHandler((level, message) -> {
            try {
                TerminalLog.setHandler(null, TerminalLogLevel.ERROR);
            } catch (Throwable e) {
                seen.add(e);
            }
        }, TerminalLogLevel.DEBUG);
        try (TerminalClient client = Sim.client()) {
            client.createPaymentSession(Sim.tid(), BigDecimal.ONE, "USD", null);
        }
        assertFalse(seen.isEmpty());
        assertTrue(seen.get(0).toString(), seen.get(0) instanceof InvalidArgumentException);
        try {
            TerminalLog.setHandler((l, m) -> { }, null);
            fail();
        } catch (NullPointerException e) {
            assertTrue(e.getMessage().startsWith("maxLevel"));
        }
    }
}
