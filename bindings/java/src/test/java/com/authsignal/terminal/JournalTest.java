package com.authsignal.terminal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The payment journal from Java: journalPath, DuplicateReferenceException,
 * findPaymentSession after a restart (a new client on the same file), forgetReference.
 * The journal's crash and race proofs are the Rust tests (tests/journal.rs).
 */
public class JournalTest {
    private File folder;

    @Before
    public void makeFolder() throws Exception {
        folder = Files.createTempDirectory("as-java-journal-").toFile();
    }

    @After
    public void removeFolder() {
        File[] files = folder.listFiles();
        if (files != null) {
            for (File f : files) {
                f.delete();
            }
        }
        folder.delete();
    }

    private TerminalClient journalClient() throws AuthsignalTerminalException {
        return new TerminalClient(Sim.options()
                .journalPath(new File(folder, "pos.journal").getPath())
                .journalLifetime(Duration.ofMinutes(10))
                .journalRetention(Duration.ofDays(7))
                .build());
    }

    @Test
    public void aSecondCreateIsRefusedAndARestartFindsAndResumesTheWait() throws Exception {
        String tid = Sim.tid("+outcome=COMPLETED+polls=1");
        String challengeId;
        try (TerminalClient client = journalClient()) {
            PaymentSession first = client.createPaymentSession(tid, new BigDecimal("12.50"), "USD", "java-order-1");
            assertNull(first.getJournalError());
            challengeId = first.getChallengeId();
            try {
                client.createPaymentSession(tid, new BigDecimal("12.50"), "USD", "java-order-1");
                fail();
            } catch (DuplicateReferenceException e) {
                assertEquals(TerminalResult.DUPLICATE_REFERENCE, e.getResult());
                assertTrue(e.getMessage().contains(challengeId));
                assertFalse(e.isOutcomeUnknown());
                assertFalse(e.toString().contains(tid));
            }
        }
        try (TerminalClient restarted = journalClient()) {
            JournalEntry entry = restarted.findPaymentSession("java-order-1").get();
            assertEquals("java-order-1", entry.getReference());
            assertEquals(challengeId, entry.getChallengeId());
            assertEquals(PaymentStatus.PENDING, entry.getStatus());
            assertEquals("PENDING", entry.getStatusRaw());
            assertFalse(entry.isOutcomeUnknown());
            assertFalse(entry.getCreatedAt().isAfter(Instant.now()));
            assertFalse(entry.toString().contains(tid));
            PaymentSession done = restarted.waitPaymentSession(tid, entry.getChallengeId(), Duration.ofSeconds(30));
            assertEquals(PaymentStatus.COMPLETED, done.getStatus());
            assertNull(done.getJournalError());
            assertEquals(PaymentStatus.COMPLETED, restarted.findPaymentSession("java-order-1").get().getStatus());
            assertEquals(Optional.empty(), restarted.findPaymentSession("java-never"));
            restarted.forgetReference("java-order-1");
            restarted.forgetReference("java-never");
            assertFalse(restarted.findPaymentSession("java-order-1").isPresent());
            restarted.createPaymentSession(tid, new BigDecimal("12.50"), "USD", "java-order-1");
        }
    }

    @Test
    public void aJournalDeletedUnderTheClientIsReportedOnTheSession() throws Exception {
        String tid = Sim.tid("+outcome=COMPLETED+polls=1");
        try (TerminalClient client = journalClient()) {
            PaymentSession started = client.createPaymentSession(tid, new BigDecimal("5"), "USD", "java-deleted");
            assertNull(started.getJournalError());
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                new File(folder, "pos.journal" + suffix).delete();
            }
            PaymentSession done = client.waitPaymentSession(tid, started.getChallengeId(), Duration.ofSeconds(30));
            assertEquals(PaymentStatus.COMPLETED, done.getStatus());
            assertNotNull(done.getJournalError());
            assertTrue(done.getJournalError().contains("deleted"));
            try {
                client.createPaymentSession(tid, new BigDecimal("5"), "USD", "java-other");
                fail();
            } catch (JournalException e) {
                assertEquals(TerminalResult.JOURNAL, e.getResult());
            }
        }
    }

    @Test
    public void anUnknownOutcomeIsKeptWithoutAChallengeId() throws Exception {
        String tid = Sim.tid("+fault=503+on=create+times=1");
        try (TerminalClient client = journalClient()) {
            try {
                client.createPaymentSession(tid, new BigDecimal("5"), "USD", "java-order-503");
                fail();
            } catch (OutcomeUnknownException e) {
                assertTrue(e.isOutcomeUnknown());
            }
            JournalEntry entry = client.findPaymentSession("java-order-503").get();
            assertTrue(entry.isOutcomeUnknown());
            assertNull(entry.getChallengeId());
            assertNull(entry.getStatus());
            try {
                client.createPaymentSession(tid, new BigDecimal("5"), "USD", "java-order-503");
                fail();
            } catch (DuplicateReferenceException expected) {
                assertEquals(TerminalResult.DUPLICATE_REFERENCE, expected.getResult());
            }
            client.forgetReference("java-order-503");
            assertEquals(PaymentStatus.PENDING,
                    client.createPaymentSession(tid, new BigDecimal("5"), "USD", "java-order-503").getStatus());
        }
    }

    @Test
    public void aJournalThatCannotBeOpenedAndAClientWithoutOne() throws Exception {
        File file = new File(folder, "not-a-journal");
        Files.write(file.toPath(), "just text, not a journal".getBytes(StandardCharsets.UTF_8));
        try {
            new TerminalClient(Sim.options().journalPath(file.getPath()).build()).close();
            fail();
        } catch (JournalException e) {
            assertEquals(TerminalResult.JOURNAL, e.getResult());
            assertTrue(e.getMessage().contains(file.getPath()));
        }
        try (TerminalClient client = Sim.client()) {
            try {
                client.findPaymentSession("r");
                fail();
            } catch (InvalidArgumentException e) {
                assertEquals(TerminalResult.INVALID_ARGUMENT, e.getResult());
            }
            try {
                client.forgetReference("r");
                fail();
            } catch (InvalidArgumentException e) {
                assertEquals(TerminalResult.INVALID_ARGUMENT, e.getResult());
            }
        }
    }
}
