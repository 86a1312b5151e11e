/*
 * libauthsignal_terminal for C++17: a header-only wrapper over authsignal_terminal.h.
 *
 * Written by hand (the C header is generated). It adds only what C++ expects:
 * - RAII: Client, ClientOptions, PaymentSession and CancelToken each own one C object,
 *   free it in their destructor, and are move-only. Nothing is ever freed by hand.
 *   A moved-from object holds nothing; using it throws Error(AS_RESULT_INVALID_ARGUMENT).
 * - Errors are exceptions: every failed call throws authsignal::terminal::Error, which
 *   carries the as_result, the HTTP status, the server's error code and outcome_unknown(),
 *   read from the calling thread's last error at the moment of the failure.
 * - Strings in are std::string_view (copied before the call, since C needs a terminating
 *   NUL; a string_view holding a NUL character throws Error(AS_RESULT_INVALID_ARGUMENT)).
 *   Strings out are std::string copies, so nothing borrowed can dangle.
 *
 * Every rule (validation, retries, error mapping) stays in the library; this header
 * only converts. The C functions remain available (e.g. as_set_log_callback).
 *
 *   #include "authsignal_terminal.hpp"
 *   namespace at = authsignal::terminal;
 *   at::Client client{at::ClientOptions{}.set_region(at::Region::Au)};
 *   try {
 *     at::PaymentSession s = client.create_payment_session_minor(terminal_id, 1250, "AUD", "order-42");
 *     at::PaymentSession done = client.wait_payment_session(terminal_id, s.challenge_id(),
 *                                                           std::chrono::minutes(2));
 *     if (done.status() == at::PaymentStatus::Completed) { ... }
 *   } catch (const at::Error &e) {
 *     if (e.outcome_unknown()) { ... the terminal may be prompting: check it, do NOT create again ... }
 *   }
 *
 * With a payment journal (ClientOptions::set_journal_path), a create for a reference whose
 * last attempt may still be taking money throws Error(AS_RESULT_DUPLICATE_REFERENCE) before
 * any I/O; after a restart, Client::find_payment_session(reference) gives the challenge id
 * to wait on (README, "Crashes and restarts").
 *
 * Thread safety is the C library's: Client and CancelToken may be used from many threads
 * at once, PaymentSession is immutable, ClientOptions belongs to one thread at a time.
 */
#ifndef AUTHSIGNAL_TERMINAL_HPP
#define AUTHSIGNAL_TERMINAL_HPP

#if !defined(__cplusplus)
#error "authsignal_terminal.hpp is C++17; C programs include authsignal_terminal.h"
#elif defined(_MSVC_LANG)
#if _MSVC_LANG < 201703L
#error "authsignal_terminal.hpp needs C++17 or later (MSVC: /std:c++17)"
#endif
#elif __cplusplus < 201703L
#error "authsignal_terminal.hpp needs C++17 or later (-std=c++17)"
#endif

#include <chrono>
#include <cstdint>
#include <limits>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "authsignal_terminal.h"

namespace authsignal {
namespace terminal {

/** Where a payment session stands (as_payment_status). */
enum class PaymentStatus : int {
  /** A status this version does not know; PaymentSession::status_raw() has it. */
  Unknown = AS_PAYMENT_STATUS_UNKNOWN,
  /** The terminal is prompting the customer. */
  Pending = AS_PAYMENT_STATUS_PENDING,
  /** The customer authorized the payment. */
  Completed = AS_PAYMENT_STATUS_COMPLETED,
  /** Nobody acted in time (10 minutes by default). */
  Expired = AS_PAYMENT_STATUS_EXPIRED,
  /** The payment was declined or failed. */
  Failed = AS_PAYMENT_STATUS_FAILED,
};

/** An Authsignal region: which base URL a client talks to (as_region). */
enum class Region : unsigned int {
  Us = AS_REGION_US,
  Au = AS_REGION_AU,
  Eu = AS_REGION_EU,
  Ca = AS_REGION_CA,
};

/** The name of a result code, e.g. "AS_RESULT_TIMEOUT". */
inline const char *result_name(as_result result) noexcept {
  return as_result_name(static_cast<unsigned int>(result));
}

/**
 * A failed call: what the calling thread's last error said when it failed.
 * what() is "AS_RESULT_NAME: message"; message() is the library's message alone.
 * Neither ever contains a terminal id in clear.
 */
class Error : public std::runtime_error {
 public:
  Error(as_result result, const std::string &message, int http_status = 0,
        std::optional<std::string> server_code = std::nullopt, bool outcome_unknown = false)
      : std::runtime_error(std::string(result_name(result)) + ": " + message),
        result_(result),
        message_(message),
        http_status_(http_status),
        server_code_(std::move(server_code)),
        outcome_unknown_(outcome_unknown) {}

  /** Reads the calling thread's last error, right after `result` came back. */
  static Error from_last_error(as_result result) {
    const char *code = as_last_error_server_code();
    return Error(result, as_last_error_message(), as_last_error_http_status(),
                 code ? std::optional<std::string>(code) : std::nullopt,
                 as_last_error_outcome_unknown());
  }

  /** The result code of the failed call (never AS_RESULT_OK). */
  as_result result() const noexcept { return result_; }
  /** The library's message, for logs and people. */
  const std::string &message() const noexcept { return message_; }
  /** The HTTP status of the server's answer; 0 when no answer was involved. */
  int http_status() const noexcept { return http_status_; }
  /** Authsignal's errorCode (e.g. "unauthorized"), when the server sent one. */
  const std::optional<std::string> &server_code() const noexcept { return server_code_; }
  /**
   * true when a create failed in a way that may still have created a payment session:
   * the terminal may be prompting, so check it before creating again.
   */
  bool outcome_unknown() const noexcept { return outcome_unknown_; }

 private:
  as_result result_;
  std::string message_;
  int http_status_;
  std::optional<std::string> server_code_;
  bool outcome_unknown_;
};

namespace detail {

/** Throws the calling thread's last error unless `result` is AS_RESULT_OK. */
inline void check(as_result result) {
  if (result != AS_RESULT_OK) throw Error::from_last_error(result);
}

/** A NUL-terminated copy of `s` for C; throws when `s` holds a NUL character. */
inline std::string c_string(std::string_view s, const char *what) {
  if (s.find('\0') != std::string_view::npos) {
    throw Error(AS_RESULT_INVALID_ARGUMENT, std::string(what) + " contains a NUL character");
  }
  return std::string(s);
}

/** A copy of a borrowed C string; "" for NULL. */
inline std::string copy(const char *s) { return s ? std::string(s) : std::string(); }

/**
 * Milliseconds as the C library takes them. Out-of-range values are passed on as values
 * the library refuses (0, or the largest uint32_t), so it alone decides what is valid.
 */
inline std::uint32_t to_ms(std::chrono::milliseconds ms) noexcept {
  if (ms.count() <= 0) return 0;
  if (ms.count() > static_cast<std::chrono::milliseconds::rep>(
                       std::numeric_limits<std::uint32_t>::max())) {
    return std::numeric_limits<std::uint32_t>::max();
  }
  return static_cast<std::uint32_t>(ms.count());
}

}  // namespace detail

/** This library's version, "MAJOR.MINOR.PATCH" (AS_VERSION_STRING is the header's). */
inline std::string_view version() noexcept { return as_version(); }

/**
 * How many minor-unit digits `currency` has (ISO 4217): 2 for "USD", 0 for "JPY", 3 for
 * "BHD"; -1 when it is not 3 ASCII letters.
 */
inline int currency_exponent(std::string_view currency) {
  if (currency.find('\0') != std::string_view::npos) return -1;
  return as_currency_exponent(std::string(currency).c_str());
}

/** A payment session: owns an as_payment_session. Immutable; move-only. */
class PaymentSession {
 public:
  /** Takes ownership of `session` (which may be NULL: an empty object). */
  explicit PaymentSession(as_payment_session *session) noexcept : p_(session) {}
  PaymentSession(PaymentSession &&other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  PaymentSession &operator=(PaymentSession &&other) noexcept {
    if (this != &other) as_payment_session_free(std::exchange(p_, std::exchange(other.p_, nullptr)));
    return *this;
  }
  PaymentSession(const PaymentSession &) = delete;
  PaymentSession &operator=(const PaymentSession &) = delete;
  ~PaymentSession() { as_payment_session_free(p_); }

  /** The challenge id (the API's challengeId), used to read or wait for the session. */
  std::string challenge_id() const { return detail::copy(as_payment_session_challenge_id(p_)); }
  /** The status; PaymentStatus::Unknown for one this version does not know. */
  PaymentStatus status() const noexcept {
    return static_cast<PaymentStatus>(as_payment_session_status(p_));
  }
  /** The status exactly as the server sent it, e.g. "PENDING". */
  std::string status_raw() const { return detail::copy(as_payment_session_status_str(p_)); }
  /** The POS reference the server returned, if it returned one. */
  std::optional<std::string> reference() const {
    const char *r = as_payment_session_reference(p_);
    return r ? std::optional<std::string>(r) : std::nullopt;
  }
  /** Why the client's payment journal could not record this session, if it could not:
      the session is real, but the journal will not refuse a second create for the
      reference on its own (see as_payment_session_journal_error). */
  std::optional<std::string> journal_error() const {
    const char *e = as_payment_session_journal_error(p_);
    return e ? std::optional<std::string>(e) : std::nullopt;
  }

  /** The C object, still owned by this one (NULL when empty). */
  const as_payment_session *get() const noexcept { return p_; }
  /** Gives up ownership: the caller must free the result with as_payment_session_free. */
  as_payment_session *release() noexcept { return std::exchange(p_, nullptr); }
  explicit operator bool() const noexcept { return p_ != nullptr; }

 private:
  as_payment_session *p_;
};

/** A cancel token for Client::wait_payment_session: owns an as_cancel_token. Move-only. */
class CancelToken {
 public:
  /** A new, uncancelled token; throws std::bad_alloc if memory ran out. */
  CancelToken() : p_(as_cancel_token_new()) {
    if (!p_) throw std::bad_alloc();
  }
  CancelToken(CancelToken &&other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  CancelToken &operator=(CancelToken &&other) noexcept {
    if (this != &other) as_cancel_token_free(std::exchange(p_, std::exchange(other.p_, nullptr)));
    return *this;
  }
  CancelToken(const CancelToken &) = delete;
  CancelToken &operator=(const CancelToken &) = delete;
  /** No wait may still be using the token. */
  ~CancelToken() { as_cancel_token_free(p_); }

  /**
   * Cancels every wait using this token, now and later (each throws
   * Error(AS_RESULT_CANCELLED) within 100 ms). Safe from any thread, any number of times.
   * The terminal's prompt stays: the API has no cancel endpoint.
   */
  void cancel() const noexcept { as_cancel_token_cancel(p_); }

  const as_cancel_token *get() const noexcept { return p_; }
  /** Gives up ownership: the caller must free the result with as_cancel_token_free. */
  as_cancel_token *release() noexcept { return std::exchange(p_, nullptr); }

 private:
  as_cancel_token *p_;
};

/**
 * Settings for a Client: owns an as_client_options. Move-only; one thread at a time.
 * Setters return *this so they chain; each throws Error on a value the library refuses.
 */
class ClientOptions {
 public:
  /** The defaults: region US, connect 5 s, request 10 s, poll 1 s, Mozilla's roots. */
  ClientOptions() : p_(nullptr) { detail::check(as_client_options_new(&p_)); }
  ClientOptions(ClientOptions &&other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  ClientOptions &operator=(ClientOptions &&other) noexcept {
    if (this != &other) as_client_options_free(std::exchange(p_, std::exchange(other.p_, nullptr)));
    return *this;
  }
  ClientOptions(const ClientOptions &) = delete;
  ClientOptions &operator=(const ClientOptions &) = delete;
  ~ClientOptions() { as_client_options_free(p_); }

  /** Talks to this region's base URL, replacing any base URL set before. */
  ClientOptions &set_region(Region region) {
    detail::check(as_client_options_set_region(p_, static_cast<unsigned int>(region)));
    return *this;
  }
  /** https:// for any host; plain http:// only for loopback. Replaces the region. */
  ClientOptions &set_base_url(std::string_view base_url) {
    detail::check(as_client_options_set_base_url(p_, detail::c_string(base_url, "base_url").c_str()));
    return *this;
  }
  /** Time to open a connection, TLS included (default 5 s; 1 ms to 10 minutes). */
  ClientOptions &set_connect_timeout(std::chrono::milliseconds timeout) {
    detail::check(as_client_options_set_connect_timeout_ms(p_, detail::to_ms(timeout)));
    return *this;
  }
  /** Time for one whole request (default 10 s; 1 ms to 10 minutes). */
  ClientOptions &set_request_timeout(std::chrono::milliseconds timeout) {
    detail::check(as_client_options_set_request_timeout_ms(p_, detail::to_ms(timeout)));
    return *this;
  }
  /** Pause between two reads of a pending session while waiting (default 1 s). */
  ClientOptions &set_poll_interval(std::chrono::milliseconds interval) {
    detail::check(as_client_options_set_poll_interval_ms(p_, detail::to_ms(interval)));
    return *this;
  }
  /** Trusts the CA certificates in this PEM file too (read when the Client is made). */
  ClientOptions &set_ca_file(std::string_view pem_path) {
    detail::check(as_client_options_set_ca_file(p_, detail::c_string(pem_path, "pem_path").c_str()));
    return *this;
  }
  /** true: the operating system's trust store instead of Mozilla's roots. */
  ClientOptions &set_use_system_roots(bool enabled) {
    detail::check(as_client_options_set_use_system_roots(p_, enabled));
    return *this;
  }
  /** Every request through this proxy instead of the environment's. */
  ClientOptions &set_proxy(std::string_view proxy_url) {
    detail::check(as_client_options_set_proxy(p_, detail::c_string(proxy_url, "proxy_url").c_str()));
    return *this;
  }
  /** Appended to the User-Agent header (printable ASCII, at most 256 characters). */
  ClientOptions &set_user_agent_suffix(std::string_view suffix) {
    detail::check(
        as_client_options_set_user_agent_suffix(p_, detail::c_string(suffix, "suffix").c_str()));
    return *this;
  }

  /**
   * Keeps a crash-safe payment journal in this file (or folder): a create that carries a
   * reference is recorded durably before it is sent, and one for a reference whose last
   * attempt is PENDING, COMPLETED or of unknown outcome throws
   * Error(AS_RESULT_DUPLICATE_REFERENCE) before any I/O. An empty path turns it off.
   */
  ClientOptions &set_journal_path(std::string_view path) {
    detail::check(as_client_options_set_journal_path(p_, detail::c_string(path, "path").c_str()));
    return *this;
  }
  /** How long an unknown outcome or a PENDING session blocks its reference (default 10 min). */
  ClientOptions &set_journal_lifetime(std::chrono::milliseconds lifetime) {
    detail::check(as_client_options_set_journal_lifetime_ms(p_, detail::to_ms(lifetime)));
    return *this;
  }
  /** How long journal entries are kept (default 7 days). */
  ClientOptions &set_journal_retention(std::chrono::milliseconds retention) {
    const auto ms = retention.count();
    detail::check(as_client_options_set_journal_retention_ms(
        p_, ms < 0 ? 0 : static_cast<std::uint64_t>(ms)));
    return *this;
  }

  const as_client_options *get() const noexcept { return p_; }
  as_client_options *get() noexcept { return p_; }

 private:
  as_client_options *p_;
};

/** What the payment journal knows about one reference: its last create (a copy). */
struct JournalEntry {
  /** The POS reference. */
  std::string reference;
  /** The session's challenge id, to wait on; empty when the outcome is unknown. */
  std::optional<std::string> challenge_id;
  /** The last status seen; empty when the outcome is unknown. */
  std::optional<PaymentStatus> status;
  /** That status exactly as the server sent it. */
  std::optional<std::string> status_raw;
  /** The terminal may be prompting: check it, then Client::forget_reference. */
  bool outcome_unknown = false;
  /** When the create was started. */
  std::chrono::system_clock::time_point created_at;
};

/**
 * A client of the Terminal API: owns an as_client (its settings and a pool of kept-alive
 * connections). Move-only; safe to use from many threads at once. Make one per process.
 */
class Client {
 public:
  /** A client with the default options (region US). */
  Client() : p_(nullptr) { detail::check(as_client_new(nullptr, &p_)); }
  /** A client with these options; they may be destroyed afterwards. */
  explicit Client(const ClientOptions &options) : p_(nullptr) {
    if (!options.get()) {  // moved from: C would take NULL for "the defaults"
      throw Error(AS_RESULT_INVALID_ARGUMENT, "the ClientOptions are empty (moved from)");
    }
    detail::check(as_client_new(options.get(), &p_));
  }
  Client(Client &&other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  Client &operator=(Client &&other) noexcept {
    if (this != &other) as_client_free(std::exchange(p_, std::exchange(other.p_, nullptr)));
    return *this;
  }
  Client(const Client &) = delete;
  Client &operator=(const Client &) = delete;
  /** No call on the client may still be running. */
  ~Client() { as_client_free(p_); }

  /**
   * Starts a payment of `amount` in major units (12.5 is 12.50 USD). An empty
   * `reference` means none. Never sent twice once it may have reached the server: when
   * the Error's outcome_unknown() is true, check the terminal before creating again.
   */
  PaymentSession create_payment_session(std::string_view terminal_id, double amount,
                                        std::string_view currency,
                                        std::string_view reference = {}) const {
    as_payment_session *out = nullptr;
    detail::check(as_client_create_payment_session(
        p_, detail::c_string(terminal_id, "terminal_id").c_str(), amount,
        detail::c_string(currency, "currency").c_str(),
        detail::c_string(reference, "reference").c_str(), &out));
    return PaymentSession(out);
  }

  /** Starts a payment of exact minor units (1250 USD is 12.50 USD); as above otherwise. */
  PaymentSession create_payment_session_minor(std::string_view terminal_id,
                                              std::int64_t amount_minor,
                                              std::string_view currency,
                                              std::string_view reference = {}) const {
    as_payment_session *out = nullptr;
    detail::check(as_client_create_payment_session_minor(
        p_, detail::c_string(terminal_id, "terminal_id").c_str(), amount_minor,
        detail::c_string(currency, "currency").c_str(),
        detail::c_string(reference, "reference").c_str(), &out));
    return PaymentSession(out);
  }

  /** Reads a payment session by its challenge id. */
  PaymentSession get_payment_session(std::string_view terminal_id,
                                     std::string_view challenge_id) const {
    as_payment_session *out = nullptr;
    detail::check(as_client_get_payment_session(
        p_, detail::c_string(terminal_id, "terminal_id").c_str(),
        detail::c_string(challenge_id, "challenge_id").c_str(), &out));
    return PaymentSession(out);
  }

  /**
   * Reads the session until it leaves PENDING and returns it then. Throws
   * Error(AS_RESULT_STILL_PENDING) when `timeout` passes first, and
   * Error(AS_RESULT_CANCELLED) within 100 ms of `cancel` firing. Waiting again is safe.
   */
  PaymentSession wait_payment_session(std::string_view terminal_id,
                                      std::string_view challenge_id,
                                      std::chrono::milliseconds timeout,
                                      const CancelToken *cancel = nullptr) const {
    as_payment_session *out = nullptr;
    detail::check(as_client_wait_payment_session(
        p_, detail::c_string(terminal_id, "terminal_id").c_str(),
        detail::c_string(challenge_id, "challenge_id").c_str(), detail::to_ms(timeout),
        cancel ? cancel->get() : nullptr, &out));
    return PaymentSession(out);
  }

  /** As above, cancelled by `cancel`. */
  PaymentSession wait_payment_session(std::string_view terminal_id,
                                      std::string_view challenge_id,
                                      std::chrono::milliseconds timeout,
                                      const CancelToken &cancel) const {
    return wait_payment_session(terminal_id, challenge_id, timeout, &cancel);
  }

  /**
   * What the journal knows about the last create for `reference`, or std::nullopt when it
   * knows nothing. After a restart: wait on its challenge_id, or (outcome unknown) check
   * the terminal, then forget_reference. Throws Error when the client has no journal.
   */
  std::optional<JournalEntry> find_payment_session(std::string_view reference) const {
    as_journal_entry *out = nullptr;
    as_result result = as_client_find_payment_session(
        p_, detail::c_string(reference, "reference").c_str(), &out);
    if (result == AS_RESULT_NOT_FOUND) return std::nullopt;
    detail::check(result);
    auto optional = [](const char *s) {
      return s ? std::optional<std::string>(s) : std::nullopt;
    };
    JournalEntry entry;
    try {
      entry.reference = detail::copy(as_journal_entry_reference(out));
      entry.challenge_id = optional(as_journal_entry_challenge_id(out));
      entry.status_raw = optional(as_journal_entry_status_str(out));
      if (entry.status_raw) entry.status = static_cast<PaymentStatus>(as_journal_entry_status(out));
      entry.outcome_unknown = as_journal_entry_outcome_unknown(out);
      entry.created_at = std::chrono::system_clock::time_point(
          std::chrono::duration_cast<std::chrono::system_clock::duration>(
              std::chrono::milliseconds(as_journal_entry_created_at_ms(out))));
    } catch (...) {
      as_journal_entry_free(out);
      throw;
    }
    as_journal_entry_free(out);
    return entry;
  }

  /** Forgets `reference` in the journal: the cashier checked, nothing is prompting. */
  void forget_reference(std::string_view reference) const {
    detail::check(
        as_client_forget_reference(p_, detail::c_string(reference, "reference").c_str()));
  }

  const as_client *get() const noexcept { return p_; }

 private:
  as_client *p_;
};

/*
 * The one-call path on the process-wide default client, built on first use from the
 * environment (AUTHSIGNAL_TERMINAL_BASE_URL or AUTHSIGNAL_TERMINAL_REGION, and
 * AUTHSIGNAL_TERMINAL_CA_FILE).
 */

/** as Client::create_payment_session, on the default client. */
inline PaymentSession create_payment_session(std::string_view terminal_id, double amount,
                                             std::string_view currency,
                                             std::string_view reference = {}) {
  as_payment_session *out = nullptr;
  detail::check(as_create_payment_session(detail::c_string(terminal_id, "terminal_id").c_str(),
                                          amount, detail::c_string(currency, "currency").c_str(),
                                          detail::c_string(reference, "reference").c_str(), &out));
  return PaymentSession(out);
}

/** as Client::create_payment_session_minor, on the default client. */
inline PaymentSession create_payment_session_minor(std::string_view terminal_id,
                                                   std::int64_t amount_minor,
                                                   std::string_view currency,
                                                   std::string_view reference = {}) {
  as_payment_session *out = nullptr;
  detail::check(as_create_payment_session_minor(
      detail::c_string(terminal_id, "terminal_id").c_str(), amount_minor,
      detail::c_string(currency, "currency").c_str(),
      detail::c_string(reference, "reference").c_str(), &out));
  return PaymentSession(out);
}

/** as Client::get_payment_session, on the default client. */
inline PaymentSession get_payment_session(std::string_view terminal_id,
                                          std::string_view challenge_id) {
  as_payment_session *out = nullptr;
  detail::check(as_get_payment_session(detail::c_string(terminal_id, "terminal_id").c_str(),
                                       detail::c_string(challenge_id, "challenge_id").c_str(),
                                       &out));
  return PaymentSession(out);
}

/** Client::wait_payment_session on the process-wide default client (as_wait_payment_session). */
inline PaymentSession wait_payment_session(std::string_view terminal_id,
                                           std::string_view challenge_id,
                                           std::chrono::milliseconds timeout,
                                           const CancelToken *cancel = nullptr) {
  as_payment_session *out = nullptr;
  detail::check(as_wait_payment_session(detail::c_string(terminal_id, "terminal_id").c_str(),
                                        detail::c_string(challenge_id, "challenge_id").c_str(),
                                        detail::to_ms(timeout), cancel ? cancel->get() : nullptr,
                                        &out));
  return PaymentSession(out);
}

}  // namespace terminal
}  // namespace authsignal

#endif  // AUTHSIGNAL_TERMINAL_HPP
