/*
 * libauthsignal_terminal: take a card payment on a paired Authsignal payment terminal.
 *
 * This header is generated from the Rust sources by cbindgen (build.rs); do not edit it.
 *
 * Conventions, for every function below:
 * - Every fallible function returns as_result; AS_RESULT_OK is 0 and the numbers are
 *   stable. After any other result, the calling thread's last error says what happened:
 *   as_last_error_message(), as_last_error_http_status(), as_last_error_server_code(),
 *   as_last_error_outcome_unknown(). A successful call clears it. Only functions that
 *   return as_result change it: the getters above, as_result_name(), as_version(),
 *   as_currency_exponent(), the as_payment_session_* and as_journal_entry_* getters never
 *   do, so they may be called in any order after a failure.
 * - Out-params come last. They are written only on success and set to NULL on failure.
 * - Strings in: NUL-terminated UTF-8 (const char *); the library copies what it keeps.
 *   Strings out: borrowed, NUL-terminated UTF-8, valid until the object that owns them is
 *   freed (or, for the last error, until this thread next calls a function that returns
 *   as_result).
 * - The caller frees only what a _new, create, get, wait or find call handed it, with the
 *   matching _free. Every _free accepts NULL.
 * - No pointer is trusted: NULL where one is required gives AS_RESULT_INVALID_ARGUMENT,
 *   never a crash. A panic inside the library becomes AS_RESULT_INTERNAL.
 * - as_client and as_cancel_token may be used from many threads at once;
 *   as_payment_session and as_journal_entry are immutable; as_client_options belongs to
 *   one thread at a time.
 * - A terminal id is a credential: the library never puts it in a message in clear.
 */

#ifndef AUTHSIGNAL_TERMINAL_H
#define AUTHSIGNAL_TERMINAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The version of this header; as_version() gives the library's. */
#define AS_VERSION_MAJOR 0
#define AS_VERSION_MINOR 1
#define AS_VERSION_PATCH 0
#define AS_VERSION_STRING "0.1.0"

/**
 * The largest amount in minor units: 15 decimal digits, the most that every JSON reader
 * (and an `f64`) holds exactly.
 */
#define AS_MAX_AMOUNT_MINOR 999999999999999

/**
 * The result of every fallible function. `AS_RESULT_OK` is 0; the numbers are stable and
 * never reused. After any other value, the calling thread's last error
 * (`as_last_error_message()` and friends) says what happened.
 */
enum as_result
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * Success.
   */
  AS_RESULT_OK = 0,
  /**
   * Caught before any network I/O: NULL, bad UTF-8, bad amount/currency/id or option.
   */
  AS_RESULT_INVALID_ARGUMENT = 1,
  /**
   * HTTP 401: the terminal id is unknown or not paired.
   */
  AS_RESULT_UNAUTHORIZED = 2,
  /**
   * HTTP 400 (and other 4xx not listed here).
   */
  AS_RESULT_INVALID_REQUEST = 3,
  /**
   * HTTP 404.
   */
  AS_RESULT_NOT_FOUND = 4,
  /**
   * HTTP 429.
   */
  AS_RESULT_RATE_LIMITED = 5,
  /**
   * HTTP 5xx.
   */
  AS_RESULT_SERVER_ERROR = 6,
  /**
   * A connect, read or overall deadline passed.
   */
  AS_RESULT_TIMEOUT = 7,
  /**
   * DNS, connect, reset, proxy.
   */
  AS_RESULT_NETWORK = 8,
  /**
   * TLS handshake or certificate failure.
   */
  AS_RESULT_TLS = 9,
  /**
   * An answer the library cannot accept: bad JSON, missing fields, too large, redirect.
   */
  AS_RESULT_PROTOCOL = 10,
  /**
   * The caller's cancel token fired.
   */
  AS_RESULT_CANCELLED = 11,
  /**
   * A wait reached its deadline while the session was still PENDING.
   */
  AS_RESULT_STILL_PENDING = 12,
  /**
   * A bug: a caught panic; the message says where.
   */
  AS_RESULT_INTERNAL = 13,
  /**
   * The payment journal refused a create before any network I/O: the reference's
   * last attempt is PENDING, COMPLETED, or of unknown outcome; the message says which
   * and, when known, the challenge id to wait on.
   */
  AS_RESULT_DUPLICATE_REFERENCE = 14,
  /**
   * The payment journal cannot be opened, read or written (before any network I/O);
   * the message names the path and the cause.
   */
  AS_RESULT_JOURNAL = 15,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum as_result as_result;
#else
typedef uint32_t as_result;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * Where a payment session stands.
 */
enum as_payment_status
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * The server sent a status this version does not know; see
   * `as_payment_session_status_str`.
   */
  AS_PAYMENT_STATUS_UNKNOWN = 0,
  /**
   * The terminal is prompting the customer.
   */
  AS_PAYMENT_STATUS_PENDING = 1,
  /**
   * The customer authorized the payment.
   */
  AS_PAYMENT_STATUS_COMPLETED = 2,
  /**
   * Nobody acted in time (10 minutes by default).
   */
  AS_PAYMENT_STATUS_EXPIRED = 3,
  /**
   * The payment was declined or failed.
   */
  AS_PAYMENT_STATUS_FAILED = 4,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum as_payment_status as_payment_status;
#else
typedef uint32_t as_payment_status;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * How much a log line matters.
 */
enum as_log_level
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * A call failed.
   */
  AS_LOG_LEVEL_ERROR = 1,
  /**
   * Something went wrong and was handled, e.g. a retry.
   */
  AS_LOG_LEVEL_WARN = 2,
  /**
   * One line per request: its answer and how long it took.
   */
  AS_LOG_LEVEL_INFO = 3,
  /**
   * Details: requests as they are sent, each poll of a wait.
   */
  AS_LOG_LEVEL_DEBUG = 4,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum as_log_level as_log_level;
#else
typedef uint32_t as_log_level;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * An Authsignal region: which base URL a client talks to.
 */
enum as_region
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * US (Oregon), the default: https://api.authsignal.com/v1
   */
  AS_REGION_US = 0,
  /**
   * AU (Sydney): https://au.api.authsignal.com/v1
   */
  AS_REGION_AU = 1,
  /**
   * EU (Dublin): https://eu.api.authsignal.com/v1
   */
  AS_REGION_EU = 2,
  /**
   * CA (Canada): https://ca.api.authsignal.com/v1
   */
  AS_REGION_CA = 3,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum as_region as_region;
#else
typedef uint32_t as_region;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * A cancel token for `as_client_wait_payment_session`. Safe to use from many threads at
 * once. Free it with `as_cancel_token_free` once no wait uses it.
 */
typedef struct as_cancel_token as_cancel_token;

/**
 * A client of the Terminal API: its settings and a pool of kept-alive connections.
 * Safe to use from many threads at once. Free it with `as_client_free`.
 */
typedef struct as_client as_client;

/**
 * Settings for `as_client_new`. Not safe to change from two threads at once; a client
 * copies what it needs, so the options may be freed once the client is made.
 */
typedef struct as_client_options as_client_options;

/**
 * A finished diagnosis. Immutable, so it may be read from many threads at once. Free it
 * with `as_diagnosis_free`.
 */
typedef struct as_diagnosis as_diagnosis;

/**
 * What the payment journal knows about one reference: its last create. Immutable, so
 * it may be read from many threads at once. Free it with `as_journal_entry_free`.
 */
typedef struct as_journal_entry as_journal_entry;

/**
 * A payment session: its challenge id, status and reference. Immutable, so it may be
 * read from many threads at once. Free it with `as_payment_session_free`.
 */
typedef struct as_payment_session as_payment_session;

/**
 * A log sink: called with the `user_data` given to `as_set_log_callback`, the line's
 * level and the line (NUL-terminated UTF-8, borrowed for the duration of the call only).
 */
typedef void (*as_log_callback)(void *user_data, as_log_level level, const char *message);

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Makes a new, uncancelled token.
 *
 * The caller owns the returned token and must free it with `as_cancel_token_free`.
 * NULL only if memory ran out.
 */
struct as_cancel_token *as_cancel_token_new(void);

/**
 * Cancels every wait using this token, now and later: each returns
 * `AS_RESULT_CANCELLED` within 100 ms. Safe to call from any thread, any number of
 * times. NULL does nothing.
 *
 * The API has no cancel endpoint: the terminal's prompt stays until the customer acts or
 * it expires.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
void as_cancel_token_cancel(const struct as_cancel_token *t);

/**
 * Frees a token. NULL is accepted and does nothing. No wait may still be using it.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
void as_cancel_token_free(struct as_cancel_token *t);

/**
 * Makes a client. `options` may be NULL for the defaults; the client copies what it
 * needs, so the options may be freed at once.
 *
 * On success `*out` receives the client; the caller owns it and must free it with
 * `as_client_free`. On failure `*out` is set to NULL (`AS_RESULT_INVALID_ARGUMENT` when
 * the CA file cannot be read or the system trust store is empty).
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_client_new(const struct as_client_options *options, struct as_client **out);

/**
 * Starts a payment: the paired terminal prompts the customer for `amount` in major units
 * (12.5 is 12.50 USD) of `currency` (an active ISO 4217 code, e.g. "USD"). `reference` is the POS's own
 * reference, or NULL (or "") for none. The session starts PENDING.
 *
 * Float noise (0.1 + 0.2) is absorbed; an amount with more decimal places than the
 * currency has (10.005 USD) gives `AS_RESULT_INVALID_ARGUMENT`. Prefer
 * `as_client_create_payment_session_minor` where the POS counts in minor units.
 *
 * Never sent twice once it may have reached the server. On failure, if
 * `as_last_error_outcome_unknown()` is true, the terminal may be prompting: check it
 * before creating again.
 *
 * On success `*out` receives the session; the caller owns it and must free it with
 * `as_payment_session_free`. On failure `*out` is set to NULL. Safe to call from many
 * threads at once on one client.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_client_create_payment_session(const struct as_client *c,
                                           const char *terminal_id,
                                           double amount,
                                           const char *currency,
                                           const char *reference,
                                           struct as_payment_session **out);

/**
 * Starts a payment for an exact amount in minor units: 1250 USD is 12.50 USD, 1000 JPY
 * is 1000 JPY, 1234 BHD is 1.234 BHD. No floating point anywhere on this path.
 * Otherwise as `as_client_create_payment_session`.
 *
 * On success `*out` receives the session; the caller owns it and must free it with
 * `as_payment_session_free`. On failure `*out` is set to NULL. Safe to call from many
 * threads at once on one client.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_client_create_payment_session_minor(const struct as_client *c,
                                                 const char *terminal_id,
                                                 int64_t amount_minor,
                                                 const char *currency,
                                                 const char *reference,
                                                 struct as_payment_session **out);

/**
 * Reads a payment session by its challenge id (1 to 128 of A-Z a-z 0-9 _ -). Retried
 * (at most twice) on connect failures, 429, 502, 503 and 504.
 *
 * On success `*out` receives the session; the caller owns it and must free it with
 * `as_payment_session_free`. On failure `*out` is set to NULL. Safe to call from many
 * threads at once on one client.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_client_get_payment_session(const struct as_client *c,
                                        const char *terminal_id,
                                        const char *challenge_id,
                                        struct as_payment_session **out);

/**
 * Reads the session until it leaves PENDING and hands it over then (COMPLETED, FAILED,
 * EXPIRED, or a status this version does not know).
 *
 * Gives `AS_RESULT_STILL_PENDING` when `timeout_ms` passes while the session is still
 * PENDING, and `AS_RESULT_CANCELLED` within 100 ms of `cancel` firing (`cancel` may be
 * NULL). The wait runs on the calling thread; a cancel (or the deadline) closes the
 * connection of the read in flight, and no thread of the library runs on after it
 * returns. The API has no cancel endpoint: cancelling stops the waiting here; the
 * terminal's prompt stays until the customer acts or it expires (10 minutes by default).
 * Any other failure of a read (after its retries) ends the wait with that result;
 * waiting again is always safe. A `timeout_ms` of 0 reads the session once (that read
 * bounded by the request timeout) and gives `AS_RESULT_STILL_PENDING` if it is.
 *
 * On success `*out` receives the session; the caller owns it and must free it with
 * `as_payment_session_free`. On failure `*out` is set to NULL. Safe to call from many
 * threads at once on one client.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_client_wait_payment_session(const struct as_client *c,
                                         const char *terminal_id,
                                         const char *challenge_id,
                                         uint32_t timeout_ms,
                                         const struct as_cancel_token *cancel,
                                         struct as_payment_session **out);

/**
 * Frees a client and closes its connections: when it returns, no socket of the client is
 * open and no thread of the library runs for it. NULL is accepted and does nothing. No
 * call on it may still be running.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
void as_client_free(struct as_client *c);

/**
 * Makes options with the defaults: region US, connect timeout 5 s, request timeout 10 s,
 * poll interval 1 s, Mozilla's root certificates, the proxy from the environment.
 *
 * On success `*out` receives the options; the caller owns them and must free them with
 * `as_client_options_free`. On failure `*out` is set to NULL.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_client_options_new(struct as_client_options **out);

/**
 * Talks to this region's base URL, replacing any base URL set before. `region` is one
 * of the `as_region` values; any other number gives `AS_RESULT_INVALID_ARGUMENT`.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_client_options_set_region(struct as_client_options *o, unsigned int region);

/**
 * Talks to this base URL, e.g. "https://api.authsignal.com/v1" or a simulator's
 * "http://127.0.0.1:8080/v1". https:// for any host; plain http:// only for loopback
 * hosts (127.0.0.0/8, ::1, localhost). Replaces any region set before.
 *
 * The string is copied; the caller keeps ownership of `base_url`.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_client_options_set_base_url(struct as_client_options *o, const char *base_url);

/**
 * The time allowed to open a connection, TCP and TLS handshake included (default 5000
 * ms). From 1 ms to 600000 ms (10 minutes).
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_client_options_set_connect_timeout_ms(struct as_client_options *o, uint32_t ms);

/**
 * The time allowed for one whole request, from connecting to the last byte of the
 * answer (default 10000 ms). From 1 ms to 600000 ms (10 minutes).
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_client_options_set_request_timeout_ms(struct as_client_options *o, uint32_t ms);

/**
 * The pause between two reads of a pending session in `as_client_wait_payment_session`
 * (default 1000 ms). From 100 ms to 600000 ms.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_client_options_set_poll_interval_ms(struct as_client_options *o, uint32_t ms);

/**
 * Trusts the CA certificates in this PEM file in addition to the default roots (for a
 * private CA, or a local simulator). The file is read by `as_client_new`, which fails
 * with `AS_RESULT_INVALID_ARGUMENT` if it cannot be read or holds no certificate.
 *
 * The string is copied; the caller keeps ownership of `pem_path`.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_client_options_set_ca_file(struct as_client_options *o, const char *pem_path);

/**
 * true: trust the operating system's certificate store instead of Mozilla's roots
 * (for corporate proxies that inspect TLS with their own CA). Default false.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_client_options_set_use_system_roots(struct as_client_options *o, bool enabled);

/**
 * Sends every request through this HTTP CONNECT proxy ("http://host:port", or
 * "http://user:password@host:port") instead of the one the environment names
 * (HTTPS_PROXY, ALL_PROXY, NO_PROXY). SOCKS proxies are not supported: a "socks5://" URL
 * gives `AS_RESULT_INVALID_ARGUMENT` (and one from the environment is ignored). A
 * loopback or plain-http base URL never goes through a proxy.
 *
 * The string is copied; the caller keeps ownership of `proxy_url`.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_client_options_set_proxy(struct as_client_options *o, const char *proxy_url);

/**
 * Appends this text (printable ASCII, at most 256 characters) to the User-Agent header,
 * so the POS can be told apart in Authsignal's logs.
 *
 * The string is copied; the caller keeps ownership of `suffix`.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_client_options_set_user_agent_suffix(struct as_client_options *o, const char *suffix);

/**
 * Frees options. NULL is accepted and does nothing. Clients made from them are not
 * affected.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
void as_client_options_free(struct as_client_options *o);

/**
 * `as_client_create_payment_session` on the process-wide default client, built on first
 * use from the environment: AUTHSIGNAL_TERMINAL_BASE_URL (a full base URL) or else
 * AUTHSIGNAL_TERMINAL_REGION (us|au|eu|ca); US when neither is set;
 * AUTHSIGNAL_TERMINAL_CA_FILE, when set, names a PEM file of extra trusted roots. An
 * invalid variable gives `AS_RESULT_INVALID_ARGUMENT` naming it; only a client that was built
 * is kept, so a call after fixing the environment (or the CA file) builds it again.
 *
 * On success `*out` receives the session; the caller owns it and must free it with
 * `as_payment_session_free`. On failure `*out` is set to NULL. Safe to call from many
 * threads at once.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_create_payment_session(const char *terminal_id,
                                    double amount,
                                    const char *currency,
                                    const char *reference,
                                    struct as_payment_session **out);

/**
 * `as_client_create_payment_session_minor` on the process-wide default client (see
 * `as_create_payment_session`). Exact money in minor units: 1250 USD is 12.50 USD, 1000
 * JPY is 1000 JPY, 1234 BHD is 1.234 BHD.
 *
 * On success `*out` receives the session; the caller owns it and must free it with
 * `as_payment_session_free`. On failure `*out` is set to NULL. Safe to call from many
 * threads at once.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_create_payment_session_minor(const char *terminal_id,
                                          int64_t amount_minor,
                                          const char *currency,
                                          const char *reference,
                                          struct as_payment_session **out);

/**
 * `as_client_get_payment_session` on the process-wide default client (see
 * `as_create_payment_session`).
 *
 * On success `*out` receives the session; the caller owns it and must free it with
 * `as_payment_session_free`. On failure `*out` is set to NULL. Safe to call from many
 * threads at once.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_get_payment_session(const char *terminal_id,
                                 const char *challenge_id,
                                 struct as_payment_session **out);

/**
 * `as_client_wait_payment_session` on the process-wide default client (see
 * `as_create_payment_session`): reads the session until it leaves PENDING, until
 * `timeout_ms` passes (`AS_RESULT_STILL_PENDING`) or `cancel` fires
 * (`AS_RESULT_CANCELLED`; `cancel` may be NULL).
 *
 * On success `*out` receives the session; the caller owns it and must free it with
 * `as_payment_session_free`. On failure `*out` is set to NULL. Safe to call from many
 * threads at once.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_wait_payment_session(const char *terminal_id,
                                  const char *challenge_id,
                                  uint32_t timeout_ms,
                                  const struct as_cancel_token *cancel,
                                  struct as_payment_session **out);

/**
 * How many minor-unit digits `currency` has (ISO 4217): 2 for "USD", 0 for "JPY", 3 for
 * "BHD"; -1 when `currency` is NULL or not an active ISO 4217 currency ("XYZ"), which
 * every create refuses too. Does not touch the last error.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
int as_currency_exponent(const char *currency);

/**
 * Diagnoses why payments through `c` might fail, with `c`'s own settings: the
 * configuration in effect, the proxy, DNS, the TCP connect, the TLS handshake (protocol,
 * which trust store verified the chain, its subject and issuer), the clock against the
 * server's `Date`, and, when `terminal_id` is not NULL, whether the server accepts that
 * terminal id. It never creates a payment: the id is checked by reading a session that
 * cannot exist. The connect and each read and write are bounded by the client's connect
 * timeout, the id check by its request timeout, the name lookup by the system resolver's
 * own limits; it all runs on the calling thread.
 *
 * A failed check is a result inside the diagnosis, not an error: this returns
 * `AS_RESULT_OK` with a diagnosis unless an argument is invalid (NULL `c` or `out`,
 * `terminal_id` not UTF-8).
 *
 * On success `*out` receives the diagnosis; the caller owns it and must free it with
 * `as_diagnosis_free`. On failure `*out` is set to NULL. Safe to call from many threads
 * at once on one client.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_client_diagnose(const struct as_client *c,
                             const char *terminal_id,
                             struct as_diagnosis **out);

/**
 * The diagnosis as one JSON object (field names stable, documented in the README:
 * `passed`, `no_payment_started`, `checks` [{`name`, `verdict`, `summary`, `fix`}],
 * `config`, `proxy`, `dns`, `tcp`, `tls`, `clock`, `terminal_id`). The terminal id
 * appears only redacted.
 *
 * The string is borrowed from `d` and valid until `d` is freed. NULL when `d` is NULL.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
const char *as_diagnosis_json(const struct as_diagnosis *d);

/**
 * The diagnosis as text for people, one line per check with its verdict and, under a
 * check that is not ok, a one-line fix (what `authsignal-terminal doctor` prints).
 *
 * The string is borrowed from `d` and valid until `d` is freed. NULL when `d` is NULL.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
const char *as_diagnosis_text(const struct as_diagnosis *d);

/**
 * True when no check failed (warnings allowed); false when one did or `d` is NULL.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
bool as_diagnosis_passed(const struct as_diagnosis *d);

/**
 * Frees a diagnosis. NULL is accepted and does nothing. The diagnosis and every string
 * borrowed from it must not be used afterwards.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
void as_diagnosis_free(struct as_diagnosis *d);

/**
 * The message of the calling thread's last error: what happened, for logs and people.
 *
 * Never NULL; "" when the thread's last call succeeded. The string is borrowed and
 * valid until this thread next calls a function that returns `as_result`. It never
 * contains a terminal id in clear. Called while the thread exits (from a thread-local
 * destructor), it returns a fixed message saying the last error is not available.
 */
const char *as_last_error_message(void);

/**
 * The HTTP status of the server's answer behind the calling thread's last error; 0 when
 * no HTTP answer was involved (or the last call succeeded).
 */
int as_last_error_http_status(void);

/**
 * The server's error code (Authsignal's `errorCode`, e.g. "unauthorized") behind the
 * calling thread's last error, or NULL when the server sent none.
 *
 * The string is borrowed and valid until this thread next calls a function that returns
 * `as_result`.
 */
const char *as_last_error_server_code(void);

/**
 * true when the calling thread's last call was a create that failed in a way that may
 * still have created a payment session: a byte of the request was written to a socket
 * and no complete, readable 2xx nor a 4xx came back (a timeout or dropped connection
 * after sending, a 5xx, a redirect, an unreadable success answer), whatever the error.
 *
 * The POS must then check the terminal before creating again: the API has no
 * idempotency key, so the library can never find out by itself. false exactly when no
 * byte of the create was written (bad input, a name that did not resolve, a refused or
 * timed-out connect, a proxy that refused the tunnel, a failed TLS handshake) or a 4xx
 * came back, and for every call that is not a create. Called while the thread exits
 * (from a thread-local destructor), when the last error is gone, it returns true.
 */
bool as_last_error_outcome_unknown(void);

/**
 * The name of a result code, e.g. "AS_RESULT_TIMEOUT"; "AS_RESULT_UNKNOWN" for a number
 * that is not one. Takes `unsigned int`, not the enum, so any number from C is safe.
 *
 * Never NULL. The string is static.
 */
const char *as_result_name(unsigned int result);

/**
 * This library's version, "MAJOR.MINOR.PATCH", the same as the header's `AS_VERSION_*`
 * macros when header and library match.
 *
 * Never NULL. The string is static.
 */
const char *as_version(void);

/**
 * Keeps a crash-safe payment journal at `path` (off by default; NULL or "" turns it
 * off again). `path` names the file, or a folder (an existing one, or a path ending
 * with '/') that then holds "authsignal-terminal-journal.sqlite3". The folder must
 * exist; a missing file is created by `as_client_new` (readable by its owner only),
 * which gives `AS_RESULT_JOURNAL` when it cannot be opened, and refuses (unchanged)
 * anything that is not a regular file, or neither empty nor this library's journal.
 *
 * With a journal, a create that carries a reference is written durably (synced to
 * disk) before it leaves the machine, and a create for a reference whose last attempt
 * may still take money gives `AS_RESULT_DUPLICATE_REFERENCE` without sending it:
 * COMPLETED (for as long as the entry is kept), an unknown outcome (until
 * `as_client_forget_reference`), and PENDING (within the journal lifetime at once;
 * after it, the library reads the session and refuses while it is PENDING or
 * COMPLETED). FAILED and EXPIRED let the create go. Creates without a reference are
 * not journaled. Several processes and threads may share one journal.
 * The journal never holds a terminal id, only a keyed hash of it.
 *
 * The string is copied; the caller keeps ownership of `path`.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_client_options_set_journal_path(struct as_client_options *o, const char *path);

/**
 * How long a session last seen PENDING is taken to be still PENDING: a create for its
 * reference within this time is refused at once; after it, the library first reads
 * the session (with the create's terminal id) and refuses while it is PENDING or
 * COMPLETED (default 600000 ms, 10 minutes: how long a terminal prompt lives). From
 * 1 ms to 86400000 ms (24 hours). Age alone never lets a create through: an unknown
 * outcome stays refused until forgotten, a COMPLETED reference for as long as its
 * entry is kept.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_client_options_set_journal_lifetime_ms(struct as_client_options *o, uint32_t ms);

/**
 * How long final journal entries (COMPLETED, FAILED, EXPIRED) are kept (default
 * 604800000 ms, 7 days); older ones are dropped. Entries that may still take money are
 * kept until they are final or forgotten. At least the lifetime (`as_client_new` checks), at most 366 days.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_client_options_set_journal_retention_ms(struct as_client_options *o,
                                                     uint64_t ms);

/**
 * What the client's journal knows about the last create for `reference`: a POS that
 * restarted uses it to wait again for the session it had started (when
 * `as_journal_entry_challenge_id` is not NULL), or to learn that the outcome is unknown
 * (check the terminal, then `as_client_forget_reference`).
 *
 * Gives `AS_RESULT_NOT_FOUND` when the journal knows nothing for `reference` (no
 * create, one that certainly created nothing, or one older than the retention), and
 * `AS_RESULT_INVALID_ARGUMENT` when the client has no journal. No network I/O.
 *
 * On success `*out` receives the entry; the caller owns it and must free it with
 * `as_journal_entry_free`. On failure `*out` is set to NULL. Safe to call from many
 * threads at once on one client.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_client_find_payment_session(const struct as_client *c,
                                         const char *reference,
                                         struct as_journal_entry **out);

/**
 * Forgets `reference` in the client's journal: the cashier has checked the terminal
 * and nothing is prompting, so the next create for it may go. Forgetting a reference
 * the journal does not know gives `AS_RESULT_OK`. `AS_RESULT_INVALID_ARGUMENT` when the
 * client has no journal. No network I/O.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_client_forget_reference(const struct as_client *c, const char *reference);

/**
 * The entry's POS reference.
 *
 * The string is borrowed from `e` and valid until `e` is freed. NULL when `e` is NULL.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
const char *as_journal_entry_reference(const struct as_journal_entry *e);

/**
 * The challenge id of the session the create made, to wait on; NULL when the outcome is
 * unknown (the create is still being sent, its answer never came, or its process stopped
 * before it did), and when `e` is NULL.
 *
 * The string is borrowed from `e` and valid until `e` is freed.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
const char *as_journal_entry_challenge_id(const struct as_journal_entry *e);

/**
 * The last status the journal saw (from the create's answer or a later get or wait);
 * `AS_PAYMENT_STATUS_UNKNOWN` when the outcome is unknown, for a status this version
 * does not know, and when `e` is NULL.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_payment_status as_journal_entry_status(const struct as_journal_entry *e);

/**
 * The last status exactly as the server sent it, e.g. "PENDING"; NULL when the outcome
 * is unknown, and when `e` is NULL.
 *
 * The string is borrowed from `e` and valid until `e` is freed.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
const char *as_journal_entry_status_str(const struct as_journal_entry *e);

/**
 * true when the create may or may not have made a session: the terminal may be
 * prompting. Check it; once it shows nothing, call `as_client_forget_reference`.
 * false when `e` is NULL.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
bool as_journal_entry_outcome_unknown(const struct as_journal_entry *e);

/**
 * When the create was started, in milliseconds since 1970-01-01 UTC; 0 when `e` is NULL.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
int64_t as_journal_entry_created_at_ms(const struct as_journal_entry *e);

/**
 * Frees an entry. NULL is accepted and does nothing. The entry and every string
 * borrowed from it must not be used afterwards.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
void as_journal_entry_free(struct as_journal_entry *e);

/**
 * Sends the library's log lines, up to `max_level` (1 error, 2 warn, 3 info, 4 debug;
 * see `as_log_level`), to `callback` for the whole process, replacing any callback set
 * before. A NULL `callback` turns logging off (the default).
 *
 * Lines say what was sent, the HTTP status and timing of each answer, retries, and each
 * poll of a wait. They never contain a terminal id in clear (at most its last 4
 * characters), nor request or answer bodies.
 *
 * The callback runs only inside a library call, on the thread that made it (several
 * threads may be in it at once); it must be thread-safe, must return, and must not call
 * back into the library (lines it would cause are dropped, and `as_set_log_callback`
 * from inside it gives `AS_RESULT_INVALID_ARGUMENT`). `user_data` is passed back
 * unchanged. This function returns only after every call of the previous callback in
 * flight on other threads has returned, so the previous `user_data` may be freed as soon
 * as it returns. Gives `AS_RESULT_INVALID_ARGUMENT` for a `max_level` outside 1 to 4.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_result as_set_log_callback(as_log_callback callback, void *user_data, unsigned int max_level);

/**
 * The session's challenge id (the API's `challengeId`), used to read or wait for it.
 *
 * The string is borrowed from `s` and valid until `s` is freed. NULL when `s` is NULL.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
const char *as_payment_session_challenge_id(const struct as_payment_session *s);

/**
 * The session's status; `AS_PAYMENT_STATUS_UNKNOWN` for a status this version does not
 * know (see `as_payment_session_status_str`) and when `s` is NULL.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
as_payment_status as_payment_session_status(const struct as_payment_session *s);

/**
 * The session's status exactly as the server sent it, e.g. "PENDING".
 *
 * The string is borrowed from `s` and valid until `s` is freed. NULL when `s` is NULL.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
const char *as_payment_session_status_str(const struct as_payment_session *s);

/**
 * The POS reference the server returned, or NULL when it returned none.
 *
 * The string is borrowed from `s` and valid until `s` is freed. NULL when `s` is NULL.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
const char *as_payment_session_reference(const struct as_payment_session *s);

/**
 * Why the client's payment journal could not record this session (the create's
 * answer, or a final status a read saw), or NULL when it did or there is no journal.
 * The session is real, but the journal does not know it, so it will not refuse a second
 * create for the reference on its own: tell the operator. A journal whose file was
 * deleted or replaced while the client had it open is one cause; every later journal
 * call of that client then gives `AS_RESULT_JOURNAL`, and nothing is sent.
 *
 * The string is borrowed from `s` and valid until `s` is freed. NULL when `s` is NULL.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
const char *as_payment_session_journal_error(const struct as_payment_session *s);

/**
 * Frees a session. NULL is accepted and does nothing. The session and every string
 * borrowed from it must not be used afterwards.
 *
 * # Safety
 * Each pointer is NULL or valid as described above and in the header's conventions.
 */
void as_payment_session_free(struct as_payment_session *s);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* AUTHSIGNAL_TERMINAL_H */
