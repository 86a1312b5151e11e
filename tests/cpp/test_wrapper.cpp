/*
 * The C++17 wrapper (include/authsignal_terminal.hpp) against the simulator over HTTPS.
 *
 *   test_wrapper        needs SIM_BASE_URL and SIM_CA_FILE (scripts/with-simulator.sh)
 *
 * Prints one line per test, "ok - NAME" or "not ok - NAME", with the failed checks
 * before it; tests/cpp/run.sh counts them. Exit status 0 only when every test passed.
 * Built with -Wall -Wextra -Wpedantic -Werror (and more), run under valgrind.
 */
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <unistd.h>

#include "authsignal_terminal.hpp"
#include "../c/tempdir.h"

namespace at = authsignal::terminal;
using std::chrono::milliseconds;

namespace {

/* A terminal id recognisable in any text it could leak into; never printed. */
constexpr std::string_view kSecret = "tid_cpp_SECRET_c0ffee42";

std::string base_url;
std::string ca_file;
int failed_checks = 0;

void check(bool ok, const char *what, int line) {
  if (!ok) {
    ++failed_checks;
    std::cout << "#   " << __FILE__ << ":" << line << ": check failed: " << what << "\n";
  }
}
#define CHECK(cond) check((cond), #cond, __LINE__)

std::string terminal(std::string_view directives = {}) {
  return std::string(kSecret) + std::string(directives);
}

/* Runs `call`, which must throw at::Error with `expected`; returns the error if it did. */
template <typename F>
std::optional<at::Error> expect_error(F &&call, as_result expected, int line) {
  try {
    call();
  } catch (const at::Error &e) {
    if (e.result() != expected) {
      ++failed_checks;
      std::cout << "#   " << __FILE__ << ":" << line << ": threw " << at::result_name(e.result())
                << ", expected " << at::result_name(expected) << ": " << e.message() << "\n";
    }
    check(std::string_view(e.what()).find(kSecret) == std::string_view::npos,
          "the message holds no terminal id", line);
    check(std::string_view(e.what()).rfind(at::result_name(e.result()), 0) == 0,
          "what() starts with the result name", line);
    return e;
  } catch (const std::exception &e) {
    ++failed_checks;
    std::cout << "#   " << __FILE__ << ":" << line << ": threw something else: " << e.what()
              << "\n";
    return std::nullopt;
  }
  ++failed_checks;
  std::cout << "#   " << __FILE__ << ":" << line << ": did not throw "
            << at::result_name(expected) << "\n";
  return std::nullopt;
}
#define EXPECT_ERROR(expected, ...) expect_error([&] { __VA_ARGS__; }, (expected), __LINE__)

at::ClientOptions sim_options(milliseconds request_timeout = milliseconds(10000)) {
  at::ClientOptions options;
  options.set_base_url(base_url)
      .set_ca_file(ca_file)
      .set_request_timeout(request_timeout)
      .set_poll_interval(milliseconds(100))
      .set_user_agent_suffix("cpp-tests/1.0");
  return options;
}

at::Client sim_client() { return at::Client(sim_options()); }

/* ---------------------------------------------------------------------------------- */

void test_types_are_move_only() {
  static_assert(!std::is_copy_constructible_v<at::Client>);
  static_assert(!std::is_copy_assignable_v<at::Client>);
  static_assert(std::is_nothrow_move_constructible_v<at::Client>);
  static_assert(std::is_nothrow_move_assignable_v<at::Client>);
  static_assert(!std::is_copy_constructible_v<at::ClientOptions>);
  static_assert(std::is_nothrow_move_constructible_v<at::ClientOptions>);
  static_assert(!std::is_copy_constructible_v<at::PaymentSession>);
  static_assert(std::is_nothrow_move_assignable_v<at::PaymentSession>);
  static_assert(!std::is_copy_constructible_v<at::CancelToken>);
  static_assert(std::is_nothrow_move_constructible_v<at::CancelToken>);
  static_assert(std::is_base_of_v<std::runtime_error, at::Error>);
  static_assert(std::is_same_v<decltype(at::Error(AS_RESULT_OK, "").result()), as_result>);
}

void test_version_and_names() {
  CHECK(at::version() == AS_VERSION_STRING);
  CHECK(std::string_view(at::result_name(AS_RESULT_TIMEOUT)) == "AS_RESULT_TIMEOUT");
  CHECK(at::currency_exponent("USD") == 2);
  CHECK(at::currency_exponent("jpy") == 0);
  CHECK(at::currency_exponent("BHD") == 3);
  CHECK(at::currency_exponent("US") == -1);
  CHECK(at::currency_exponent(std::string_view("USD\0", 4)) == -1);
}

void test_moves_and_ownership() {
  at::ClientOptions a = sim_options();
  at::ClientOptions b = std::move(a);
  CHECK(a.get() == nullptr);  // NOLINT(bugprone-use-after-move): a moved-from object is empty
  CHECK(b.get() != nullptr);
  /* A moved-from object is empty: using it throws, it never crashes. */
  EXPECT_ERROR(AS_RESULT_INVALID_ARGUMENT, a.set_base_url(base_url));
  /* Not a client with the defaults, as C's NULL options would give. */
  EXPECT_ERROR(AS_RESULT_INVALID_ARGUMENT, at::Client{a});
  a = std::move(b);
  CHECK(a.get() != nullptr);

  at::Client c1(a);
  at::Client c2 = std::move(c1);
  EXPECT_ERROR(AS_RESULT_INVALID_ARGUMENT, c1.get_payment_session(terminal(), "abc"));
  c1 = std::move(c2);
  at::PaymentSession s = c1.create_payment_session_minor(terminal("+polls=0"), 100, "USD");
  CHECK(static_cast<bool>(s));
  at::PaymentSession moved(std::move(s));
  CHECK(!s);
  CHECK(moved.challenge_id().size() > 0);
  CHECK(s.challenge_id().empty());
  CHECK(s.status() == at::PaymentStatus::Unknown);
  CHECK(!s.reference().has_value());
  s = std::move(moved);  // move-assign into an empty one; the old one frees nothing twice
  moved = std::move(s);
  /* release() hands the C object over; the caller frees it. */
  as_payment_session *raw = moved.release();
  CHECK(raw != nullptr && !moved);
  as_payment_session_free(raw);

  at::CancelToken t1;
  at::CancelToken t2 = std::move(t1);
  t1.cancel();  // empty: does nothing
  t2.cancel();
  t1 = std::move(t2);
  CHECK(t1.get() != nullptr);
}

void test_create_get_wait_completed() {
  at::Client client = sim_client();
  const std::string tid = terminal();
  at::PaymentSession s = client.create_payment_session(tid, 12.5, "usd", "order-cpp-1");
  CHECK(s.status() == at::PaymentStatus::Pending);
  CHECK(s.status_raw() == "PENDING");
  CHECK(s.reference() == std::optional<std::string>("order-cpp-1"));
  const std::string id = s.challenge_id();
  CHECK(!id.empty());

  at::PaymentSession read = client.get_payment_session(tid, id);
  CHECK(read.challenge_id() == id);

  /* A temporary's challenge id is a copy, so it outlives the session. */
  const std::string id2 = client.create_payment_session_minor(tid, 1000, "JPY").challenge_id();
  CHECK(!id2.empty() && id2 != id);

  at::PaymentSession done = client.wait_payment_session(tid, id, milliseconds(20000));
  CHECK(done.status() == at::PaymentStatus::Completed);
  CHECK(done.status_raw() == "COMPLETED");
  CHECK(done.challenge_id() == id);
}

void test_other_outcomes() {
  at::Client client = sim_client();
  const struct {
    const char *directives;
    at::PaymentStatus status;
    const char *raw;
  } cases[] = {
      {"+outcome=FAILED+polls=0", at::PaymentStatus::Failed, "FAILED"},
      {"+outcome=EXPIRED+polls=1", at::PaymentStatus::Expired, "EXPIRED"},
      {"+outcome=REFUNDED+polls=0", at::PaymentStatus::Unknown, "REFUNDED"},
  };
  for (const auto &c : cases) {
    const std::string tid = terminal(c.directives);
    const std::string id = client.create_payment_session_minor(tid, 1234, "BHD", "r").challenge_id();
    at::PaymentSession done = client.wait_payment_session(tid, id, milliseconds(20000));
    CHECK(done.status() == c.status);
    CHECK(done.status_raw() == c.raw);
  }
}

void test_errors_carry_the_last_error() {
  at::Client client = sim_client();
  /* 401: not paired; nothing was created. */
  auto e = EXPECT_ERROR(AS_RESULT_UNAUTHORIZED,
                        client.create_payment_session_minor("unpaired_cpp_test_0001", 100, "USD"));
  if (e) {
    CHECK(e->http_status() == 401);
    CHECK(e->server_code() == std::optional<std::string>("unauthorized"));
    CHECK(!e->outcome_unknown());
    CHECK(!e->message().empty());
  }
  /* 500 on a create: it may have created a session. */
  e = EXPECT_ERROR(AS_RESULT_SERVER_ERROR,
                   client.create_payment_session_minor(terminal("+fault=500+on=create"), 100, "USD"));
  if (e) {
    CHECK(e->http_status() == 500);
    CHECK(e->outcome_unknown());
  }
  /* 404 on a read. */
  e = EXPECT_ERROR(AS_RESULT_NOT_FOUND, client.get_payment_session(terminal(), "no-such-session"));
  if (e) {
    CHECK(e->http_status() == 404);
    CHECK(!e->outcome_unknown());
  }
  /* A protocol error: an answer that is not JSON. */
  e = EXPECT_ERROR(AS_RESULT_PROTOCOL,
                   client.create_payment_session_minor(terminal("+fault=malformed"), 100, "USD"));
  if (e) CHECK(e->outcome_unknown());
  /* The exception is a snapshot: a later success changes nothing in it. */
  if (e) {
    const at::Error copy = *e;
    client.create_payment_session_minor(terminal(), 100, "USD");
    CHECK(copy.result() == AS_RESULT_PROTOCOL && copy.message() == e->message());
  }
}

void test_bad_input_is_refused() {
  at::Client client = sim_client();
  EXPECT_ERROR(AS_RESULT_INVALID_ARGUMENT, client.create_payment_session(terminal(), 0.0, "USD"));
  EXPECT_ERROR(AS_RESULT_INVALID_ARGUMENT,
               client.create_payment_session(terminal(), 10.005, "USD"));
  EXPECT_ERROR(AS_RESULT_INVALID_ARGUMENT,
               client.create_payment_session_minor(terminal(), 100, "US"));
  EXPECT_ERROR(AS_RESULT_INVALID_ARGUMENT, client.create_payment_session_minor("", 100, "USD"));
  EXPECT_ERROR(AS_RESULT_INVALID_ARGUMENT, client.get_payment_session(terminal(), "../x"));
  /* A string_view with a NUL inside is refused, not silently cut. */
  auto e = EXPECT_ERROR(AS_RESULT_INVALID_ARGUMENT,
                        client.create_payment_session_minor(
                            std::string_view("tid_cpp_x\0tail", 14), 100, "USD"));
  if (e) CHECK(e->http_status() == 0 && !e->outcome_unknown() && !e->server_code());

  at::ClientOptions options;
  EXPECT_ERROR(AS_RESULT_INVALID_ARGUMENT, options.set_request_timeout(milliseconds(0)));
  EXPECT_ERROR(AS_RESULT_INVALID_ARGUMENT, options.set_connect_timeout(milliseconds(-5)));
  EXPECT_ERROR(AS_RESULT_INVALID_ARGUMENT, options.set_poll_interval(std::chrono::hours(24 * 365)));
  EXPECT_ERROR(AS_RESULT_INVALID_ARGUMENT, options.set_region(static_cast<at::Region>(9)));
  EXPECT_ERROR(AS_RESULT_INVALID_ARGUMENT, options.set_base_url("http://example.com/v1"));
  options.set_region(at::Region::Eu).set_use_system_roots(false);
  options.set_ca_file("/nonexistent/ca.pem");
  EXPECT_ERROR(AS_RESULT_INVALID_ARGUMENT, at::Client{options});
}

void test_tls_error_without_the_simulators_ca() {
  at::ClientOptions options;
  options.set_base_url(base_url);
  at::Client client(options);
  auto e = EXPECT_ERROR(AS_RESULT_TLS, client.create_payment_session_minor(terminal(), 100, "USD"));
  if (e) CHECK(!e->outcome_unknown());
}

void test_wait_still_pending_and_cancelled() {
  at::Client client = sim_client();
  const std::string tid = terminal("+outcome=PENDING");
  const std::string id = client.create_payment_session_minor(tid, 100, "USD").challenge_id();
  EXPECT_ERROR(AS_RESULT_STILL_PENDING, client.wait_payment_session(tid, id, milliseconds(300)));

  at::CancelToken token;
  std::thread canceller([&token] {
    std::this_thread::sleep_for(milliseconds(200));
    token.cancel();
  });
  EXPECT_ERROR(AS_RESULT_CANCELLED,
               client.wait_payment_session(tid, id, milliseconds(60000), token));
  canceller.join();
  /* Cancelled for good: a later wait with it ends at once. */
  EXPECT_ERROR(AS_RESULT_CANCELLED,
               client.wait_payment_session(tid, id, milliseconds(60000), &token));
}

void test_default_client() {
  /* run.sh sets AUTHSIGNAL_TERMINAL_BASE_URL and AUTHSIGNAL_TERMINAL_CA_FILE. */
  const std::string tid = terminal("+polls=0");
  at::PaymentSession s = at::create_payment_session_minor(tid, 250, "EUR", "order-cpp-2");
  CHECK(s.status() == at::PaymentStatus::Pending);
  at::PaymentSession again = at::get_payment_session(tid, s.challenge_id());
  CHECK(again.challenge_id() == s.challenge_id());
  at::PaymentSession done = at::wait_payment_session(tid, s.challenge_id(), std::chrono::seconds(30));
  CHECK(done.status() == at::PaymentStatus::Completed);
  at::PaymentSession d = at::create_payment_session(tid, 2.5, "EUR");
  CHECK(!d.reference().has_value());
  EXPECT_ERROR(AS_RESULT_UNAUTHORIZED, at::create_payment_session_minor("unpaired_cpp_0002", 1, "EUR"));
}

void test_one_client_many_threads() {
  const at::Client client = sim_client();
  std::atomic<int> completed{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&client, &completed, &errors] {
      try {
        const std::string tid = terminal("+polls=1");
        for (int j = 0; j < 3; ++j) {
          const std::string id = client.create_payment_session_minor(tid, 100, "USD").challenge_id();
          if (client.wait_payment_session(tid, id, milliseconds(20000)).status() ==
              at::PaymentStatus::Completed) {
            ++completed;
          }
        }
      } catch (const at::Error &e) {
        ++errors;
        std::cout << "#   thread: " << e.what() << "\n";
      }
    });
  }
  for (auto &t : threads) t.join();
  CHECK(completed == 12);
  CHECK(errors == 0);
}

struct Test {
  const char *name;
  void (*run)();
};

/* The payment journal: duplicate refused, a new client (a restart) finds and waits, forget. */
void test_payment_journal() {
  char dir[260];
  if (!test_temp_dir(dir, sizeof dir, "as-cpp-journal")) {
    CHECK(!"test_temp_dir");
    return;
  }
  const std::string path = std::string(dir) + "/pos.journal";
  const std::string tid = terminal("+outcome=COMPLETED+polls=1");
  std::string challenge_id;
  {
    at::Client client(sim_options().set_journal_path(path));
    at::PaymentSession started = client.create_payment_session_minor(tid, 1250, "USD", "cpp-order-1");
    challenge_id = started.challenge_id();
    CHECK(!started.journal_error().has_value());
    EXPECT_ERROR(AS_RESULT_DUPLICATE_REFERENCE,
                 client.create_payment_session_minor(tid, 1250, "USD", "cpp-order-1"));
  }
  {
    at::Client restarted(sim_options()
                             .set_journal_path(path)
                             .set_journal_lifetime(std::chrono::minutes(10))
                             .set_journal_retention(std::chrono::hours(24 * 7)));
    std::optional<at::JournalEntry> entry = restarted.find_payment_session("cpp-order-1");
    CHECK(entry.has_value());
    if (entry) {
      CHECK(entry->reference == "cpp-order-1");
      CHECK(entry->challenge_id == challenge_id);
      CHECK(entry->status == at::PaymentStatus::Pending);
      CHECK(entry->status_raw == std::optional<std::string>("PENDING"));
      CHECK(!entry->outcome_unknown);
      CHECK(entry->created_at <= std::chrono::system_clock::now());
      at::PaymentSession done =
          restarted.wait_payment_session(tid, *entry->challenge_id, milliseconds(30000));
      CHECK(done.status() == at::PaymentStatus::Completed);
    }
    CHECK(!restarted.find_payment_session("cpp-never").has_value());
    restarted.forget_reference("cpp-order-1");
    CHECK(!restarted.find_payment_session("cpp-order-1").has_value());
    EXPECT_ERROR(AS_RESULT_INVALID_ARGUMENT, sim_client().find_payment_session("cpp-order-1"));
  }
  for (const char *suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
  test_remove_dir(dir);
}

}  // namespace

int main() {
  const char *url = std::getenv("SIM_BASE_URL");
  const char *ca = std::getenv("SIM_CA_FILE");
  if (!url || !ca || !*url || !*ca) {
    std::cerr << "SIM_BASE_URL and SIM_CA_FILE must be set (scripts/with-simulator.sh)\n";
    return 2;
  }
  base_url = url;
  ca_file = ca;

  const Test tests[] = {
      {"types are move-only and nothrow-movable", test_types_are_move_only},
      {"version, result names and currency exponents", test_version_and_names},
      {"moves transfer ownership; moved-from objects throw, never crash", test_moves_and_ownership},
      {"create, get and wait until COMPLETED", test_create_get_wait_completed},
      {"FAILED, EXPIRED and an unknown status", test_other_outcomes},
      {"errors carry result, HTTP status, server code, outcome_unknown", test_errors_carry_the_last_error},
      {"bad input and options are refused", test_bad_input_is_refused},
      {"TLS error without the simulator's CA", test_tls_error_without_the_simulators_ca},
      {"wait: still pending, and cancelled from another thread", test_wait_still_pending_and_cancelled},
      {"the default client from the environment", test_default_client},
      {"one client shared by four threads", test_one_client_many_threads},
      {"the payment journal: duplicate refused, restart resumes, forget", test_payment_journal},
  };
  int failed = 0;
  for (const Test &t : tests) {
    const int before = failed_checks;
    try {
      t.run();
    } catch (const std::exception &e) {
      ++failed_checks;
      std::cout << "#   uncaught exception: " << e.what() << "\n";
    }
    const bool ok = failed_checks == before;
    if (!ok) ++failed;
    std::cout << (ok ? "ok - " : "not ok - ") << t.name << "\n";
  }
  return failed == 0 ? 0 : 1;
}
