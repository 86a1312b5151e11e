package com.authsignal.terminal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.UUID;
import org.junit.Test;

/** Each as_result as its exception, with the last error's fields, and no terminal id in any message. */
public class ErrorTest {
    private static void assertNoId(Throwable e, String tid) {
        String all = e.getMessage() + "\n" + e + "\n" + (e.getCause() == null ? "" : e.getCause().toString());
        assertFalse("the exception shows the terminal id: " + e.getClass().getName(), all.contains(tid));
    }

    @Test
    public void theResultNumbersAreTheLibrarys() {
        assertEquals(16, TerminalResult.values().length);
        for (TerminalResult r : TerminalResult.values()) {
            assertEquals("AS_RESULT_" + r.name(), com.authsignal.terminal.internal.NativeError.resultName(r.code()));
            assertEquals(r, TerminalResult.fromCode(r.code()));
        }
        assertEquals("AS_RESULT_UNKNOWN", com.authsignal.terminal.internal.NativeError.resultName(16));
    }

    @Test
    public void invalidArgumentFromTheLibraryKeepsTheIdOutOfTheMessage() throws Exception {
        String tid = "tid with_spaces_9876";
        try (TerminalClient client = Sim.client()) {
            client.createPaymentSession(tid, BigDecimal.ONE, "USD", null);
            fail();
        } catch (InvalidArgumentException e) {
            assertEquals(TerminalResult.INVALID_ARGUMENT, e.getResult());
            assertEquals(0, e.getHttpStatus());
            assertNull(e.getServerCode());
            assertFalse(e.isOutcomeUnknown());
            assertFalse(e.getMessage().isEmpty());
            assertNoId(e, tid);
            assertFalse(e.toString().contains("with_spaces"));
        }
    }

    @Test
    public void unauthorizedForAnUnpairedTerminal() throws Exception {
        String tid = "unpaired_java_" + UUID.randomUUID().toString().substring(0, 8);
        try (TerminalClient client = Sim.client()) {
            client.createPaymentSession(tid, BigDecimal.ONE, "USD", null);
            fail();
        } catch (UnauthorizedException e) {
            assertEquals(TerminalResult.UNAUTHORIZED, e.getResult());
            assertEquals(401, e.getHttpStatus());
            assertEquals("unauthorized", e.getServerCode());
            assertFalse(e.isOutcomeUnknown());
            assertNoId(e, tid);
        }
    }

    @Test
    public void invalidRequestForA400() throws Exception {
        String answer = "{\"error\":\"invalid_request\",\"errorCode\":\"invalid_request\","
                + "\"errorDescription\":\"amount is not allowed\"}";
        try (Sim.Capture server = new Sim.Capture(400, answer); TerminalClient client = server.client()) {
            client.createPaymentSession(Sim.tid(), BigDecimal.ONE, "USD", null);
            fail();
        } catch (InvalidRequestException e) {
            assertEquals(400, e.getHttpStatus());
            assertEquals("invalid_request", e.getServerCode());
            assertFalse(e.isOutcomeUnknown());
            assertTrue(e.getMessage().contains("amount is not allowed"));
        }
    }

    @Test
    public void notFoundForAnUnknownSessionAndASessionOfAnotherTerminal() throws Exception {
        try (TerminalClient client = Sim.client()) {
            try {
                client.getPaymentSession(Sim.tid(), "no-such-session");
                fail();
            } catch (NotFoundException e) {
                assertEquals(404, e.getHttpStatus());
                assertEquals("not_found", e.getServerCode());
                assertFalse(e.isOutcomeUnknown());
            }
            String id = client.createPaymentSession(Sim.tid(), BigDecimal.ONE, "USD", null).getChallengeId();
            try {
                client.getPaymentSession(Sim.tid(), id);
                fail();
            } catch (NotFoundException e) {
                assertEquals(TerminalResult.NOT_FOUND, e.getResult());
            }
        }
    }

    @Test
    public void rateLimitedForA429OnCreateWhichIsNotRetried() throws Exception {
        try (TerminalClient client = Sim.client()) {
            client.createPaymentSession(Sim.tid("+fault=429+times=1"), BigDecimal.ONE, "USD", null);
            fail();
        } catch (RateLimitedException e) {
            assertEquals(429, e.getHttpStatus());
            assertEquals("too_many_requests", e.getServerCode());
            assertFalse(e.isOutcomeUnknown());
        }
    }

    @Test
    public void aGetIsRetriedPastOne503() throws Exception {
        try (TerminalClient client = Sim.client()) {
            String tid = Sim.tid("+fault=503+times=1+on=get");
            String id = client.createPaymentSession(tid, BigDecimal.ONE, "USD", null).getChallengeId();
            assertEquals(id, client.getPaymentSession(tid, id).getChallengeId());
        }
    }

    @Test
    public void serverErrorOnCreateIsAnOutcomeUnknownException() throws Exception {
        String tid = Sim.tid("+fault=503");
        try (TerminalClient client = Sim.client()) {
            client.createPaymentSession(tid, BigDecimal.ONE, "USD", null);
            fail();
        } catch (OutcomeUnknownException e) {
            assertEquals(TerminalResult.SERVER_ERROR, e.getResult());
            assertEquals(503, e.getHttpStatus());
            assertEquals("service_unavailable", e.getServerCode());
            assertTrue(e.isOutcomeUnknown());
            assertTrue(e.getCause() instanceof ServerErrorException);
            assertFalse(e.getChallengeId().isPresent());
            assertNoId(e, tid);
        }
    }

    @Test
    public void serverErrorOnGetIsNotAnUnknownOutcome() throws Exception {
        try (TerminalClient client = Sim.client()) {
            String tid = Sim.tid("+fault=500+on=get");
            String id = client.createPaymentSession(tid, BigDecimal.ONE, "USD", null).getChallengeId();
            client.getPaymentSession(tid, id);
            fail();
        } catch (ServerErrorException e) {
            assertEquals(500, e.getHttpStatus());
            assertFalse(e.isOutcomeUnknown());
        }
    }

    @Test
    public void timeoutOnASlowCreateLeavesTheOutcomeUnknown() throws Exception {
        TerminalClientOptions options = Sim.options().requestTimeout(Duration.ofMillis(300)).build();
        try (TerminalClient client = new TerminalClient(options)) {
            client.createPaymentSession(Sim.tid("+delay=3000"), BigDecimal.ONE, "USD", null);
            fail();
        } catch (OutcomeUnknownException e) {
            assertEquals(TerminalResult.TIMEOUT, e.getResult());
            assertEquals(0, e.getHttpStatus());
            assertTrue(e.getCause() instanceof TerminalTimeoutException);
        }
    }

    @Test
    public void networkWhenNothingListens() throws Exception {
        TerminalClientOptions options = TerminalClientOptions.builder()
                .baseUrl("http://127.0.0.1:" + Sim.closedPort() + "/v1").build();
        try (TerminalClient client = new TerminalClient(options)) {
            client.createPaymentSession(Sim.tid(), BigDecimal.ONE, "USD", null);
            fail();
        } catch (NetworkException e) {
            assertEquals(TerminalResult.NETWORK, e.getResult());
            assertEquals(0, e.getHttpStatus());
            assertNull(e.getServerCode());
            assertFalse(e.isOutcomeUnknown());
        }
    }

    @Test
    public void protocolForAnAnswerWithoutAChallengeId() throws Exception {
        try (TerminalClient client = Sim.client()) {
            client.createPaymentSession(Sim.tid("+fault=missing-challenge-id"), BigDecimal.ONE, "USD", null);
            fail();
        } catch (AuthsignalTerminalException e) {
            assertEquals(TerminalResult.PROTOCOL, e.getResult());
        }
    }

    @Test
    public void tlsWithoutTheSimulatorsCaNamesTheJavaSettings() throws Exception {
        TerminalClientOptions options = TerminalClientOptions.builder().baseUrl(Sim.baseUrl()).build();
        try (TerminalClient client = new TerminalClient(options)) {
            client.getPaymentSession(Sim.tid(), "ch_x");
            fail();
        } catch (TlsException e) {
            assertEquals(TerminalResult.TLS, e.getResult());
            assertTrue(e.getMessage(), e.getMessage().contains("useSystemRoots"));
        }
    }

    @Test
    public void theExceptionKeepsItsFieldsInToString() {
        AuthsignalTerminalException e = new ServerErrorException("boom", 503, "service_unavailable", true);
        assertTrue(e.toString().contains("result=SERVER_ERROR"));
        assertTrue(e.toString().contains("httpStatus=503"));
        assertTrue(e.toString().contains("serverCode=service_unavailable"));
        assertTrue(e.toString().contains("outcomeUnknown=true"));
        try {
            new AuthsignalTerminalException(TerminalResult.OK, "x", 0, null, false);
            fail();
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("result"));
        }
    }
}
