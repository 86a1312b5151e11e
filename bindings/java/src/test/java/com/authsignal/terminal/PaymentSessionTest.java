package com.authsignal.terminal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import org.junit.Test;

/** Create, get and wait against the simulator: results and statuses. */
public class PaymentSessionTest {
    @Test
    public void createGivesAPendingSessionWithTheReference() throws Exception {
        try (TerminalClient client = Sim.client()) {
            String tid = Sim.tid();
            PaymentSession s = client.createPaymentSession(tid, new BigDecimal("12.50"), "USD", "java-order-1");
            assertNotNull(s.getChallengeId());
            assertFalse(s.getChallengeId().isEmpty());
            assertEquals(PaymentStatus.PENDING, s.getStatus());
            assertEquals("PENDING", s.getStatusRaw());
            assertEquals("java-order-1", s.getReference());
            assertNull(s.getJournalError());
            assertFalse(s.toString().contains(tid));
            assertTrue(s.toString().contains(s.getChallengeId()));
        }
    }

    @Test
    public void aReferenceOfNullOrEmptyIsAbsent() throws Exception {
        try (TerminalClient client = Sim.client()) {
            assertNull(client.createPaymentSession(Sim.tid(), BigDecimal.ONE, "USD", null).getReference());
            assertNull(client.createPaymentSession(Sim.tid(), BigDecimal.ONE, "USD", "").getReference());
        }
    }

    @Test
    public void createInMinorUnits() throws Exception {
        try (TerminalClient client = Sim.client()) {
            PaymentSession s = client.createPaymentSessionMinor(Sim.tid(), 1250, "USD", "java-minor");
            assertEquals(PaymentStatus.PENDING, s.getStatus());
            assertEquals("java-minor", s.getReference());
        }
    }

    @Test
    public void getReadsTheSessionByItsChallengeId() throws Exception {
        try (TerminalClient client = Sim.client()) {
            String tid = Sim.tid("+outcome=PENDING");
            PaymentSession created = client.createPaymentSession(tid, BigDecimal.ONE, "USD", "java-get");
            PaymentSession read = client.getPaymentSession(tid, created.getChallengeId());
            assertEquals(created.getChallengeId(), read.getChallengeId());
            assertEquals(PaymentStatus.PENDING, read.getStatus());
        }
    }

    @Test
    public void getSeesTheOutcomeAfterThePendingPolls() throws Exception {
        try (TerminalClient client = Sim.client()) {
            String tid = Sim.tid("+outcome=COMPLETED+polls=1");
            String id = client.createPaymentSession(tid, BigDecimal.ONE, "USD", null).getChallengeId();
            assertEquals(PaymentStatus.PENDING, client.getPaymentSession(tid, id).getStatus());
            assertEquals(PaymentStatus.COMPLETED, client.getPaymentSession(tid, id).getStatus());
        }
    }

    @Test
    public void waitEndsWithEachOutcome() throws Exception {
        String[] outcomes = {"COMPLETED", "FAILED", "EXPIRED"};
        PaymentStatus[] expected = {PaymentStatus.COMPLETED, PaymentStatus.FAILED, PaymentStatus.EXPIRED};
        try (TerminalClient client = Sim.client()) {
            for (int i = 0; i < outcomes.length; i++) {
                String tid = Sim.tid("+outcome=" + outcomes[i] + "+polls=2");
                String id = client.createPaymentSession(tid, BigDecimal.ONE, "USD", null).getChallengeId();
                PaymentSession done = client.waitPaymentSession(tid, id, Duration.ofSeconds(30));
                assertEquals(expected[i], done.getStatus());
                assertEquals(outcomes[i], done.getStatusRaw());
            }
        }
    }

    @Test
    public void aStatusThisVersionDoesNotKnowIsUnknownWithTheRawText() throws Exception {
        try (TerminalClient client = Sim.client()) {
            String tid = Sim.tid("+outcome=REFUNDED+polls=0");
            String id = client.createPaymentSession(tid, BigDecimal.ONE, "USD", null).getChallengeId();
            PaymentSession done = client.waitPaymentSession(tid, id, Duration.ofSeconds(30));
            assertEquals(PaymentStatus.UNKNOWN, done.getStatus());
            assertEquals("REFUNDED", done.getStatusRaw());
            assertTrue(done.toString().contains("REFUNDED"));
        }
    }

    @Test
    public void aSessionCanBeBuiltForThePosOwnTests() {
        PaymentSession s = new PaymentSession("ch_1", PaymentStatus.COMPLETED, "COMPLETED", "r", null);
        assertEquals("ch_1", s.getChallengeId());
        assertEquals("PaymentSession(challengeId=ch_1, status=COMPLETED)", s.toString());
    }

    @Test
    public void theVersionsAgree() {
        assertEquals(TerminalClient.BINDING_VERSION, TerminalClient.libraryVersion());
    }
}
