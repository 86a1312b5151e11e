package com.authsignal.terminal;

import java.time.Instant;

/** What the payment journal knows about the last create for a reference. */
public final class JournalEntry {
    private final String reference;
    private final String challengeId;
    private final PaymentStatus status;
    private final String statusRaw;
    private final boolean outcomeUnknown;
    private final Instant createdAt;

    /**
     * Makes an entry (for a POS's own tests; the client makes them from the journal).
     *
     * @param reference the POS reference
     * @param challengeId the session's id, or null when the outcome is unknown
     * @param status the last status seen, or null when the outcome is unknown
     * @param statusRaw the last status as the server sent it, or null
     * @param outcomeUnknown true when the create may or may not have made a session
     * @param createdAt when the create was started
     */
    public JournalEntry(String reference, String challengeId, PaymentStatus status, String statusRaw,
            boolean outcomeUnknown, Instant createdAt) {
        this.reference = reference;
        this.challengeId = challengeId;
        this.status = status;
        this.statusRaw = statusRaw;
        this.outcomeUnknown = outcomeUnknown;
        this.createdAt = createdAt;
    }

    /** The POS reference. */
    public String getReference() {
        return reference;
    }

    /** The challenge id of the session the create made, to wait on; null when the outcome is unknown. */
    public String getChallengeId() {
        return challengeId;
    }

    /** The last status the journal saw; null when the outcome is unknown. */
    public PaymentStatus getStatus() {
        return status;
    }

    /** The last status exactly as the server sent it; null when the outcome is unknown. */
    public String getStatusRaw() {
        return statusRaw;
    }

    /**
     * True when the create may or may not have made a session: the terminal may be
     * prompting. Check it; once it shows nothing, call {@link TerminalClient#forgetReference}.
     */
    public boolean isOutcomeUnknown() {
        return outcomeUnknown;
    }

    /** When the create was started. */
    public Instant getCreatedAt() {
        return createdAt;
    }

    @Override
    public String toString() {
        return "JournalEntry(reference=" + reference + ", challengeId=" + challengeId + ", status=" + status
                + ", outcomeUnknown=" + outcomeUnknown + ", createdAt=" + createdAt + ")";
    }
}
