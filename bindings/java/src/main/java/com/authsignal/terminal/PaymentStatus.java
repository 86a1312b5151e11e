package com.authsignal.terminal;

/** Where a payment session stands ({@code as_payment_status}). */
public enum PaymentStatus {
    /** The server sent a status this version does not know (see {@link PaymentSession#getStatusRaw()}). */
    UNKNOWN(0),
    /** The terminal is prompting the customer. */
    PENDING(1),
    /** The customer paid. */
    COMPLETED(2),
    /** Nobody acted before the prompt expired. */
    EXPIRED(3),
    /** The payment was declined or failed. */
    FAILED(4);

    private final int code;

    PaymentStatus(int code) {
        this.code = code;
    }

    /** The {@code as_payment_status} number. */
    public int code() {
        return code;
    }

    static PaymentStatus fromCode(int code) {
        for (PaymentStatus s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return UNKNOWN;
    }
}
