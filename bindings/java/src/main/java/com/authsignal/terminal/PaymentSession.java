package com.authsignal.terminal;

/** A payment session as the server last described it: a plain, immutable object. */
public final class PaymentSession {
    private final String challengeId;
    private final PaymentStatus status;
    private final String statusRaw;
    private final String reference;
    private final String journalError;

    /**
     * Makes a session (for a POS's own tests; the client makes them from the library's answers).
     *
     * @param challengeId the session's id
     * @param status where it stands
     * @param statusRaw the status exactly as the server sent it
     * @param reference the POS's reference, or null
     * @param journalError why the journal could not record it, or null
     */
    public PaymentSession(String challengeId, PaymentStatus status, String statusRaw, String reference,
            String journalError) {
        this.challengeId = challengeId;
        this.status = status;
        this.statusRaw = statusRaw;
        this.reference = reference;
        this.journalError = journalError;
    }

    /** The session's id (the API's {@code challengeId}), used to read or wait for it. */
    public String getChallengeId() {
        return challengeId;
    }

    /** Where it stands; {@link PaymentStatus#UNKNOWN} for a status this version does not know. */
    public PaymentStatus getStatus() {
        return status;
    }

    /** The status exactly as the server sent it, e.g. "PENDING". */
    public String getStatusRaw() {
        return statusRaw;
    }

    /** The POS reference the server returned, or null when it returned none. */
    public String getReference() {
        return reference;
    }

    /**
     * Why the client's payment journal could not record this session, or null when it did or
     * there is no journal. The session is real, but the journal will not refuse a second
     * create for the reference on its own: tell the operator.
     */
    public String getJournalError() {
        return journalError;
    }

    @Override
    public String toString() {
        return "PaymentSession(challengeId=" + challengeId + ", status=" + status
                + (status == PaymentStatus.UNKNOWN ? " \"" + statusRaw + "\"" : "") + ")";
    }
}
