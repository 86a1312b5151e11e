/*
 * The C ABI as a C (and C++) program sees it, against the simulator over HTTPS.
 *
 *   test_api            needs SIM_BASE_URL and SIM_CA_FILE (scripts/with-simulator.sh)
 *
 * Prints one line per test, "ok - NAME" or "not ok - NAME", with the failed checks
 * before it; tests/c/run.sh counts them. Exit status 0 only when every test passed.
 * It builds with -Wall -Wextra -Wpedantic -Werror as C11 and as C++17, on Linux and for
 * Windows (MinGW-w64, POSIX threads from its winpthreads; tests/windows/run.sh).
 */
#define _POSIX_C_SOURCE 200809L
#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#define closesocket close
#endif
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authsignal_terminal.h"
#include "tempdir.h"

/* A terminal id recognisable in any text it could leak into; never printed. */
#define SECRET "tid_SECRET_c0ffee42"

static const char *base_url;
static const char *ca_file;
#include "check.h"

static char *terminal(const char *directives) {
  static char buf[4][256];
  static int next;
  char *out = buf[next++ % 4];
  snprintf(out, sizeof buf[0], "%s%s", SECRET, directives);
  return out;
}

static as_client *new_client(uint32_t request_timeout_ms, int trust_simulator) {
  as_client_options *o = NULL;
  as_client *c = NULL;
  CHECK_RESULT(as_client_options_new(&o), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_base_url(o, base_url), AS_RESULT_OK);
  if (trust_simulator) CHECK_RESULT(as_client_options_set_ca_file(o, ca_file), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_request_timeout_ms(o, request_timeout_ms), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_poll_interval_ms(o, 100), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_user_agent_suffix(o, "c-tests/1.0"), AS_RESULT_OK);
  CHECK_RESULT(as_client_new(o, &c), AS_RESULT_OK);
  as_client_options_free(o);
  return c;
}

/* ---------------------------------------------------------------------------------- */

static void test_version_names_and_currencies(void) {
  CHECK(strcmp(as_version(), AS_VERSION_STRING) == 0);
  CHECK(strcmp(as_result_name(AS_RESULT_OK), "AS_RESULT_OK") == 0);
  CHECK(strcmp(as_result_name(AS_RESULT_TIMEOUT), "AS_RESULT_TIMEOUT") == 0);
  CHECK(strcmp(as_result_name(AS_RESULT_INTERNAL), "AS_RESULT_INTERNAL") == 0);
  CHECK(strcmp(as_result_name(9999u), "AS_RESULT_UNKNOWN") == 0);
  CHECK(as_currency_exponent("USD") == 2);
  CHECK(as_currency_exponent("jpy") == 0);
  CHECK(as_currency_exponent("BHD") == 3);
  CHECK(as_currency_exponent("US") == -1);
  CHECK(as_currency_exponent(NULL) == -1);
  CHECK(as_currency_exponent("XYZ") == -1); /* well-formed, not an ISO 4217 currency */
  CHECK(as_currency_exponent("xcg") == 2);
}

static void test_free_accepts_null(void) {
  as_payment_session_free(NULL);
  as_client_options_free(NULL);
  as_client_free(NULL);
  as_cancel_token_free(NULL);
  as_cancel_token_cancel(NULL);
  CHECK(as_payment_session_challenge_id(NULL) == NULL);
  CHECK(as_payment_session_status(NULL) == AS_PAYMENT_STATUS_UNKNOWN);
  CHECK(as_payment_session_status_str(NULL) == NULL);
  CHECK(as_payment_session_reference(NULL) == NULL);
}

/* Every pointer argument, NULL in turn: AS_RESULT_INVALID_ARGUMENT, out stays NULL. */
static void test_null_arguments(void) {
  as_client *c = new_client(5000, 1);
  as_client_options *o = NULL;
  as_payment_session *s = (as_payment_session *)&o; /* a non-NULL value to see cleared */
  const char *t = terminal("");
  const as_result bad = AS_RESULT_INVALID_ARGUMENT;

  CHECK_RESULT(as_client_options_new(NULL), bad);
  CHECK_RESULT(as_client_options_set_region(NULL, AS_REGION_AU), bad);
  CHECK_RESULT(as_client_options_set_base_url(NULL, base_url), bad);
  CHECK_RESULT(as_client_options_set_connect_timeout_ms(NULL, 1000), bad);
  CHECK_RESULT(as_client_options_set_request_timeout_ms(NULL, 1000), bad);
  CHECK_RESULT(as_client_options_set_poll_interval_ms(NULL, 1000), bad);
  CHECK_RESULT(as_client_options_set_ca_file(NULL, ca_file), bad);
  CHECK_RESULT(as_client_options_set_use_system_roots(NULL, true), bad);
  CHECK_RESULT(as_client_options_set_proxy(NULL, "http://127.0.0.1:3128"), bad);
  CHECK_RESULT(as_client_options_set_user_agent_suffix(NULL, "x"), bad);
  CHECK_RESULT(as_client_options_new(&o), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_base_url(o, NULL), bad);
  CHECK(strstr(as_last_error_message(), "base_url") != NULL);
  CHECK_RESULT(as_client_options_set_ca_file(o, NULL), bad);
  CHECK_RESULT(as_client_options_set_proxy(o, NULL), bad);
  CHECK_RESULT(as_client_options_set_user_agent_suffix(o, NULL), bad);
  as_client_options_free(o);

  as_client *none = NULL;
  CHECK_RESULT(as_client_new(NULL, NULL), bad);
  CHECK_RESULT(as_client_new(NULL, &none), AS_RESULT_OK); /* NULL options: defaults */
  as_client_free(none);

  CHECK_RESULT(as_client_create_payment_session(NULL, t, 1.0, "USD", NULL, &s), bad);
  CHECK(s == NULL);
  s = (as_payment_session *)&o;
  CHECK_RESULT(as_client_create_payment_session(c, NULL, 1.0, "USD", NULL, &s), bad);
  CHECK(s == NULL);
  CHECK(strstr(as_last_error_message(), "terminal_id") != NULL);
  CHECK_RESULT(as_client_create_payment_session(c, t, 1.0, NULL, NULL, &s), bad);
  CHECK_RESULT(as_client_create_payment_session(c, t, 1.0, "USD", NULL, NULL), bad);
  CHECK_RESULT(as_client_create_payment_session_minor(NULL, t, 100, "USD", NULL, &s), bad);
  CHECK_RESULT(as_client_create_payment_session_minor(c, NULL, 100, "USD", NULL, &s), bad);
  CHECK_RESULT(as_client_create_payment_session_minor(c, t, 100, NULL, NULL, &s), bad);
  CHECK_RESULT(as_client_create_payment_session_minor(c, t, 100, "USD", NULL, NULL), bad);
  CHECK_RESULT(as_client_get_payment_session(NULL, t, "abc", &s), bad);
  CHECK_RESULT(as_client_get_payment_session(c, NULL, "abc", &s), bad);
  CHECK_RESULT(as_client_get_payment_session(c, t, NULL, &s), bad);
  CHECK_RESULT(as_client_get_payment_session(c, t, "abc", NULL), bad);
  CHECK_RESULT(as_client_wait_payment_session(NULL, t, "abc", 100, NULL, &s), bad);
  CHECK_RESULT(as_client_wait_payment_session(c, NULL, "abc", 100, NULL, &s), bad);
  CHECK_RESULT(as_client_wait_payment_session(c, t, NULL, 100, NULL, &s), bad);
  CHECK_RESULT(as_client_wait_payment_session(c, t, "abc", 100, NULL, NULL), bad);
  CHECK_RESULT(as_create_payment_session(NULL, 1.0, "USD", NULL, &s), bad);
  CHECK_RESULT(as_create_payment_session(t, 1.0, NULL, NULL, &s), bad);
  CHECK_RESULT(as_create_payment_session(t, 1.0, "USD", NULL, NULL), bad);
  CHECK_RESULT(as_create_payment_session_minor(NULL, 100, "USD", NULL, &s), bad);
  CHECK_RESULT(as_create_payment_session_minor(t, 100, NULL, NULL, &s), bad);
  CHECK_RESULT(as_create_payment_session_minor(t, 100, "USD", NULL, NULL), bad);
  CHECK_RESULT(as_get_payment_session(NULL, "abc", &s), bad);
  CHECK_RESULT(as_get_payment_session(t, NULL, &s), bad);
  CHECK_RESULT(as_get_payment_session(t, "abc", NULL), bad);
  CHECK_RESULT(as_wait_payment_session(NULL, "abc", 100, NULL, &s), bad);
  CHECK_RESULT(as_wait_payment_session(t, NULL, 100, NULL, &s), bad);
  CHECK_RESULT(as_wait_payment_session(t, "abc", 100, NULL, NULL), bad);
  CHECK(s == NULL);
  as_client_free(c);
}

static void test_bad_input_is_refused_before_any_io(void) {
  as_client *c = new_client(5000, 1);
  as_payment_session *s = NULL;
  const char *t = terminal("");
  const as_result bad = AS_RESULT_INVALID_ARGUMENT;
  const char invalid_utf8[] = {'t', 'i', 'd', (char)0xff, (char)0xfe, 0};
  CHECK_RESULT(as_client_create_payment_session(c, t, 10.005, "USD", NULL, &s), bad);
  CHECK_RESULT(as_client_create_payment_session(c, t, 5000000.005, "USD", NULL, &s), bad);
  CHECK(strstr(as_last_error_message(), "decimal places") != NULL);
  CHECK_RESULT(as_client_create_payment_session(c, t, 123456789.004, "USD", NULL, &s), bad);
  CHECK_RESULT(as_client_create_payment_session(c, t, -1.0, "USD", NULL, &s), bad);
  CHECK_RESULT(as_client_create_payment_session(c, t, (double)NAN, "USD", NULL, &s), bad);
  CHECK_RESULT(as_client_create_payment_session(c, t, 1.0, "DOLLARS", NULL, &s), bad);
  CHECK_RESULT(as_client_create_payment_session(c, "has space", 1.0, "USD", NULL, &s), bad);
  CHECK_RESULT(as_client_create_payment_session(c, "", 1.0, "USD", NULL, &s), bad);
  CHECK_RESULT(as_client_create_payment_session(c, invalid_utf8, 1.0, "USD", NULL, &s), bad);
  CHECK(strstr(as_last_error_message(), "UTF-8") != NULL);
  CHECK_RESULT(as_client_create_payment_session_minor(c, t, 0, "USD", NULL, &s), bad);
  CHECK_RESULT(as_client_create_payment_session_minor(c, t, INT64_MAX, "USD", NULL, &s), bad);
  CHECK_RESULT(as_client_create_payment_session_minor(c, t, 100, "XYZ", NULL, &s), bad);
  CHECK(strstr(as_last_error_message(), "not an active ISO 4217 currency") != NULL);
  CHECK_RESULT(as_client_create_payment_session(c, t, 1.0, "xyz", NULL, &s), bad);
  CHECK_RESULT(as_client_get_payment_session(c, t, "../../admin", &s), bad);
  CHECK(s == NULL);

  as_client_options *o = NULL;
  CHECK_RESULT(as_client_options_new(&o), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_region(o, 4), bad);
  CHECK_RESULT(as_client_options_set_base_url(o, "http://example.com/v1"), bad);
  CHECK_RESULT(as_client_options_set_connect_timeout_ms(o, 0), bad);
  CHECK_RESULT(as_client_options_set_poll_interval_ms(o, 10), bad);
  CHECK_RESULT(as_client_options_set_user_agent_suffix(o, "bad\r\nheader"), bad);
  CHECK_RESULT(as_client_options_set_ca_file(o, "/nonexistent/ca.pem"), AS_RESULT_OK);
  as_client *none = NULL;
  CHECK_RESULT(as_client_new(o, &none), bad); /* the CA file is read here */
  CHECK(none == NULL);
  as_client_options_free(o);
  as_client_free(c);
}

static void test_create_get_wait_completed(void) {
  as_client *c = new_client(5000, 1);
  as_payment_session *s = NULL, *got = NULL, *done = NULL;
  const char *t = terminal("+polls=1");
  CHECK_RESULT(as_client_create_payment_session(c, t, 12.5, "nzd", "order-1", &s), AS_RESULT_OK);
  if (s) {
    CHECK(as_payment_session_status(s) == AS_PAYMENT_STATUS_PENDING);
    CHECK(strcmp(as_payment_session_status_str(s), "PENDING") == 0);
    CHECK(strcmp(as_payment_session_reference(s), "order-1") == 0);
    const char *id = as_payment_session_challenge_id(s);
    CHECK(id != NULL && strlen(id) == 36);
    CHECK_RESULT(as_client_get_payment_session(c, t, id, &got), AS_RESULT_OK);
    CHECK(got && strcmp(as_payment_session_challenge_id(got), id) == 0);
    CHECK_RESULT(as_client_wait_payment_session(c, t, id, 30000, NULL, &done), AS_RESULT_OK);
    CHECK(done && as_payment_session_status(done) == AS_PAYMENT_STATUS_COMPLETED);
    CHECK(done && strcmp(as_payment_session_reference(done), "order-1") == 0);
  }
  as_payment_session_free(s);
  as_payment_session_free(got);
  as_payment_session_free(done);
  as_client_free(c);
}

static void test_minor_units_and_other_outcomes(void) {
  as_client *c = new_client(5000, 1);
  struct {
    const char *directives;
    as_payment_status status;
    const char *raw;
  } cases[] = {
      {"+outcome=FAILED+polls=0", AS_PAYMENT_STATUS_FAILED, "FAILED"},
      {"+outcome=EXPIRED+polls=0", AS_PAYMENT_STATUS_EXPIRED, "EXPIRED"},
      {"+outcome=REFUNDED+polls=0", AS_PAYMENT_STATUS_UNKNOWN, "REFUNDED"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    as_payment_session *s = NULL, *done = NULL;
    const char *t = terminal(cases[i].directives);
    CHECK_RESULT(as_client_create_payment_session_minor(c, t, 1234, "BHD", "", &s), AS_RESULT_OK);
    if (!s) continue;
    CHECK(as_payment_session_reference(s) == NULL); /* "" means none */
    CHECK_RESULT(as_client_wait_payment_session(c, t, as_payment_session_challenge_id(s), 30000,
                                                NULL, &done),
                 AS_RESULT_OK);
    CHECK(done && as_payment_session_status(done) == cases[i].status);
    CHECK(done && strcmp(as_payment_session_status_str(done), cases[i].raw) == 0);
    as_payment_session_free(s);
    as_payment_session_free(done);
  }
  as_client_free(c);
}

/* What each failure of a create gives, and whether the POS may create again. */
static void test_every_error_category_of_a_create(void) {
  as_client *c = new_client(1500, 1);
  struct {
    const char *directives;
    as_result result;
    int http_status;
    const char *server_code;
    bool outcome_unknown;
  } cases[] = {
      {"+fault=429", AS_RESULT_RATE_LIMITED, 429, "too_many_requests", false},
      {"+fault=500", AS_RESULT_SERVER_ERROR, 500, "internal_error", true},
      {"+fault=503+body=html", AS_RESULT_SERVER_ERROR, 503, NULL, true},
      {"+fault=drop", AS_RESULT_NETWORK, 0, NULL, true},
      {"+fault=malformed", AS_RESULT_PROTOCOL, 200, NULL, true}, /* a 200 that is not JSON */
      {"+fault=redirect", AS_RESULT_PROTOCOL, 307, NULL, true}, /* the server read it */
      {"+bogus=1", AS_RESULT_INVALID_REQUEST, 400, "invalid_request", false},
      {"+delay=5000", AS_RESULT_TIMEOUT, 0, NULL, true},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    as_payment_session *s = (as_payment_session *)&c;
    CHECK_RESULT(as_client_create_payment_session(c, terminal(cases[i].directives), 5.0, "USD",
                                                  NULL, &s),
                 cases[i].result);
    CHECK(s == NULL);
    CHECK(as_last_error_http_status() == cases[i].http_status);
    const char *code = as_last_error_server_code();
    if (cases[i].server_code) {
      CHECK(code != NULL && strcmp(code, cases[i].server_code) == 0);
    } else {
      CHECK(code == NULL);
    }
    if (as_last_error_outcome_unknown() != cases[i].outcome_unknown) {
      failed_checks++;
      printf("#   outcome_unknown wrong for case %zu\n", i);
    }
  }

  as_payment_session *s = NULL;
  CHECK_RESULT(as_client_create_payment_session(c, "unpaired_terminal_0001", 5.0, "USD", NULL, &s),
               AS_RESULT_UNAUTHORIZED);
  CHECK(as_last_error_http_status() == 401);
  CHECK(strcmp(as_last_error_server_code(), "unauthorized") == 0);
  CHECK(!as_last_error_outcome_unknown());
  CHECK_RESULT(as_client_get_payment_session(c, terminal(""), "no-such-session", &s),
               AS_RESULT_NOT_FOUND);
  CHECK(as_last_error_http_status() == 404);

  /* The same client still works, and a success clears the last error. */
  CHECK_RESULT(as_client_create_payment_session(c, terminal(""), 5.0, "USD", NULL, &s),
               AS_RESULT_OK);
  CHECK(as_last_error_http_status() == 0 && as_last_error_server_code() == NULL);
  CHECK(!as_last_error_outcome_unknown());
  as_payment_session_free(s);
  as_client_free(c);
}

static void test_tls_and_network_errors(void) {
  as_client *untrusting = new_client(5000, 0);
  as_payment_session *s = NULL;
  CHECK_RESULT(as_client_create_payment_session(untrusting, terminal(""), 5.0, "USD", NULL, &s),
               AS_RESULT_TLS);
  CHECK(strstr(as_last_error_message(), "use the system trust store") != NULL);
  CHECK(strstr(as_last_error_message(), "a CA file") != NULL);
  CHECK(!as_last_error_outcome_unknown());
  as_client_free(untrusting);

  /* A port nothing listens on: the connection is refused, nothing was sent. */
#ifdef _WIN32
  WSADATA wsa;
  CHECK(WSAStartup(MAKEWORD(2, 2), &wsa) == 0);
  SOCKET fd = socket(AF_INET, SOCK_STREAM, 0);
#else
  int fd = socket(AF_INET, SOCK_STREAM, 0);
#endif
  struct sockaddr_in addr;
  socklen_t len = sizeof addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK(bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0);
  CHECK(getsockname(fd, (struct sockaddr *)&addr, &len) == 0);
  closesocket(fd);
#ifdef _WIN32
  WSACleanup();
#endif
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/v1", ntohs(addr.sin_port));
  as_client_options *o = NULL;
  as_client *c = NULL;
  CHECK_RESULT(as_client_options_new(&o), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_base_url(o, url), AS_RESULT_OK);
  CHECK_RESULT(as_client_new(o, &c), AS_RESULT_OK);
  as_client_options_free(o);
  CHECK_RESULT(as_client_create_payment_session(c, terminal(""), 5.0, "USD", NULL, &s),
               AS_RESULT_NETWORK);
  CHECK(!as_last_error_outcome_unknown());
  as_client_free(c);
}

static void test_wait_still_pending(void) {
  as_client *c = new_client(5000, 1);
  as_payment_session *s = NULL, *done = NULL;
  const char *t = terminal("+outcome=PENDING");
  CHECK_RESULT(as_client_create_payment_session(c, t, 5.0, "USD", NULL, &s), AS_RESULT_OK);
  if (s) {
    CHECK_RESULT(as_client_wait_payment_session(c, t, as_payment_session_challenge_id(s), 400,
                                                NULL, &done),
                 AS_RESULT_STILL_PENDING);
    CHECK(done == NULL);
  }
  as_payment_session_free(s);
  as_client_free(c);
}

struct canceller {
  const as_cancel_token *token;
};

static void *cancel_soon(void *arg) {
  const struct canceller *self = (const struct canceller *)arg;
  struct timespec pause = {0, 300 * 1000 * 1000};
  nanosleep(&pause, NULL);
  as_cancel_token_cancel(self->token);
  return NULL;
}

static void test_wait_cancelled_from_another_thread(void) {
  as_client *c = new_client(5000, 1);
  as_payment_session *s = NULL, *done = NULL;
  const char *t = terminal("+outcome=PENDING");
  as_cancel_token *token = as_cancel_token_new();
  CHECK(token != NULL);
  CHECK_RESULT(as_client_create_payment_session(c, t, 5.0, "USD", NULL, &s), AS_RESULT_OK);
  if (s) {
    struct canceller arg = {token};
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, cancel_soon, &arg) == 0);
    /* Were the cancel not noticed, this would end an hour later as STILL_PENDING. */
    CHECK_RESULT(as_client_wait_payment_session(c, t, as_payment_session_challenge_id(s),
                                                3600u * 1000u, token, &done),
                 AS_RESULT_CANCELLED);
    CHECK(done == NULL);
    pthread_join(thread, NULL);
    /* Once cancelled, a token stays cancelled. */
    CHECK_RESULT(as_client_wait_payment_session(c, t, as_payment_session_challenge_id(s),
                                                3600u * 1000u, token, &done),
                 AS_RESULT_CANCELLED);
  }
  as_payment_session_free(s);
  as_cancel_token_free(token);
  as_client_free(c);
}

/* The one-call functions use a default client built from the environment (run.sh sets
   AUTHSIGNAL_TERMINAL_BASE_URL and AUTHSIGNAL_TERMINAL_CA_FILE). */
static void test_default_client(void) {
  as_payment_session *s = NULL, *got = NULL, *minor = NULL, *done = NULL;
  const char *t = terminal("");
  CHECK_RESULT(as_create_payment_session(t, 0.1 + 0.2, "USD", "ref-d", &s), AS_RESULT_OK);
  CHECK_RESULT(as_create_payment_session_minor(t, 1000, "JPY", NULL, &minor), AS_RESULT_OK);
  if (s) {
    CHECK_RESULT(as_get_payment_session(t, as_payment_session_challenge_id(s), &got),
                 AS_RESULT_OK);
    CHECK(got && strcmp(as_payment_session_reference(got), "ref-d") == 0);
    CHECK_RESULT(
        as_wait_payment_session(t, as_payment_session_challenge_id(s), 30000, NULL, &done),
        AS_RESULT_OK);
    CHECK(done && as_payment_session_status(done) == AS_PAYMENT_STATUS_COMPLETED);
  }
  as_payment_session_free(s);
  as_payment_session_free(got);
  as_payment_session_free(done);
  as_payment_session_free(minor);
}

struct worker {
  const as_client *client;
  int index;
  int failures;
};

static void *work(void *arg) {
  struct worker *w = (struct worker *)arg;
  char t[128];
  snprintf(t, sizeof t, "%s+polls=1+outcome=%s", SECRET, w->index % 2 ? "FAILED" : "COMPLETED");
  for (int i = 0; i < 3; i++) {
    as_payment_session *s = NULL, *done = NULL;
    if (as_client_create_payment_session_minor(w->client, t, 100 + w->index, "USD", "r", &s) !=
        AS_RESULT_OK) {
      w->failures++;
      continue;
    }
    if (as_client_wait_payment_session(w->client, t, as_payment_session_challenge_id(s), 60000,
                                       NULL, &done) != AS_RESULT_OK ||
        as_payment_session_status(done) !=
            (w->index % 2 ? AS_PAYMENT_STATUS_FAILED : AS_PAYMENT_STATUS_COMPLETED)) {
      w->failures++;
    }
    as_payment_session_free(s);
    as_payment_session_free(done);
  }
  /* This thread's last error is its own: a failure here is not seen by the others. */
  as_payment_session *none = NULL;
  if (w->index == 0 &&
      as_client_get_payment_session(w->client, t, "bad/id", &none) != AS_RESULT_INVALID_ARGUMENT) {
    w->failures++;
  }
  return NULL;
}

static void test_one_client_many_threads(void) {
  as_client *c = new_client(10000, 1);
  enum { THREADS = 6 };
  pthread_t threads[THREADS];
  struct worker workers[THREADS];
  for (int i = 0; i < THREADS; i++) {
    workers[i].client = c;
    workers[i].index = i;
    workers[i].failures = 0;
    CHECK(pthread_create(&threads[i], NULL, work, &workers[i]) == 0);
  }
  for (int i = 0; i < THREADS; i++) {
    pthread_join(threads[i], NULL);
    CHECK(workers[i].failures == 0);
  }
  CHECK(as_last_error_message()[0] == '\0' || strstr(as_last_error_message(), "bad") == NULL);
  as_client_free(c);
}

struct log_sink {
  pthread_mutex_t lock;
  int lines;
  int leaks;
};

static void on_log(void *user_data, as_log_level level, const char *line) {
  struct log_sink *sink = (struct log_sink *)user_data;
  pthread_mutex_lock(&sink->lock);
  sink->lines++;
  if (strstr(line, SECRET) != NULL || level < AS_LOG_LEVEL_ERROR || level > AS_LOG_LEVEL_DEBUG) {
    sink->leaks++;
  }
  pthread_mutex_unlock(&sink->lock);
}

static void test_log_callback(void) {
  struct log_sink sink;
  pthread_mutex_init(&sink.lock, NULL);
  sink.lines = 0;
  sink.leaks = 0;
  CHECK_RESULT(as_set_log_callback(on_log, &sink, 9), AS_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(as_set_log_callback(on_log, &sink, AS_LOG_LEVEL_DEBUG), AS_RESULT_OK);
  as_client *c = new_client(5000, 1);
  as_payment_session *s = NULL;
  CHECK_RESULT(as_client_create_payment_session(c, terminal("+fault=503+on=get+times=1"), 5.0,
                                                "USD", NULL, &s),
               AS_RESULT_OK);
  as_payment_session *got = NULL;
  if (s) {
    CHECK_RESULT(as_client_get_payment_session(c, terminal("+fault=503+on=get+times=1"),
                                               as_payment_session_challenge_id(s), &got),
                 AS_RESULT_OK);
  }
  CHECK_RESULT(as_set_log_callback(NULL, NULL, AS_LOG_LEVEL_DEBUG), AS_RESULT_OK);
  int seen = sink.lines;
  as_payment_session_free(got);
  got = NULL;
  if (s) {
    CHECK_RESULT(as_client_get_payment_session(c, terminal("+fault=503+on=get+times=1"),
                                               as_payment_session_challenge_id(s), &got),
                 AS_RESULT_OK);
  }
  CHECK(seen >= 4);            /* sending + answer for the create, the 503, the retry */
  CHECK(sink.lines == seen);   /* nothing after logging was turned off */
  CHECK(sink.leaks == 0);
  as_payment_session_free(s);
  as_payment_session_free(got);
  as_client_free(c);
  pthread_mutex_destroy(&sink.lock);
}

/* ---------------------------------------------------------------------------------- */

struct test {
  const char *name;
  void (*run)(void);
};

/* The payment journal: a second create for a reference is refused before any I/O, a new
   client on the same file (a restarted POS) finds the session and waits on it, forget
   lets the reference go, and every journal function refuses NULL. */
static void test_payment_journal(void) {
  char dir[260];
  char path[300];
  if (!test_temp_dir(dir, sizeof dir, "as-c-journal")) {
    CHECK(!"test_temp_dir");
    return;
  }
  snprintf(path, sizeof path, "%s/pos.journal", dir);
  as_client_options *o = NULL;
  as_client *c = NULL;
  as_payment_session *s = NULL, *again = NULL, *done = NULL;
  as_journal_entry *e = NULL;
  CHECK_RESULT(as_client_options_new(&o), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_base_url(o, base_url), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_ca_file(o, ca_file), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_poll_interval_ms(o, 100), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_journal_path(o, path), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_journal_lifetime_ms(o, 0), AS_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(as_client_options_set_journal_lifetime_ms(o, 600000), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_journal_retention_ms(o, 604800000ull), AS_RESULT_OK);
  CHECK_RESULT(as_client_new(o, &c), AS_RESULT_OK);

  const char *tid = terminal("+outcome=COMPLETED+polls=1");
  CHECK_RESULT(as_client_create_payment_session_minor(c, tid, 1250, "USD", "c-order-1", &s), AS_RESULT_OK);
  CHECK_RESULT(as_client_create_payment_session_minor(c, tid, 1250, "USD", "c-order-1", &again),
               AS_RESULT_DUPLICATE_REFERENCE);
  CHECK(again == NULL);
  CHECK(strstr(as_last_error_message(), as_payment_session_challenge_id(s)) != NULL);
  CHECK(!as_last_error_outcome_unknown());
  CHECK(strcmp(as_result_name(AS_RESULT_DUPLICATE_REFERENCE), "AS_RESULT_DUPLICATE_REFERENCE") == 0);
  CHECK(strcmp(as_result_name(AS_RESULT_JOURNAL), "AS_RESULT_JOURNAL") == 0);
  as_client_free(c);

  /* A restarted POS: a new client on the same journal finds the session and waits. */
  c = NULL;
  CHECK_RESULT(as_client_new(o, &c), AS_RESULT_OK);
  CHECK_RESULT(as_client_find_payment_session(c, "c-order-1", &e), AS_RESULT_OK);
  CHECK(e != NULL);
  if (e) {
    CHECK(strcmp(as_journal_entry_reference(e), "c-order-1") == 0);
    CHECK(as_journal_entry_challenge_id(e) != NULL &&
          strcmp(as_journal_entry_challenge_id(e), as_payment_session_challenge_id(s)) == 0);
    CHECK(as_journal_entry_status(e) == AS_PAYMENT_STATUS_PENDING);
    CHECK(strcmp(as_journal_entry_status_str(e), "PENDING") == 0);
    CHECK(!as_journal_entry_outcome_unknown(e));
    CHECK(as_journal_entry_created_at_ms(e) > 1700000000000LL);
    CHECK_RESULT(as_client_wait_payment_session(c, tid, as_journal_entry_challenge_id(e), 30000, NULL, &done),
                 AS_RESULT_OK);
    CHECK(as_payment_session_status(done) == AS_PAYMENT_STATUS_COMPLETED);
  }
  as_journal_entry_free(e);
  e = NULL;
  CHECK_RESULT(as_client_find_payment_session(c, "c-order-1", &e), AS_RESULT_OK);
  CHECK(as_journal_entry_status(e) == AS_PAYMENT_STATUS_COMPLETED);
  as_journal_entry_free(e);
  e = (as_journal_entry *)1;
  CHECK_RESULT(as_client_find_payment_session(c, "c-unknown", &e), AS_RESULT_NOT_FOUND);
  CHECK(e == NULL);
  CHECK_RESULT(as_client_forget_reference(c, "c-order-1"), AS_RESULT_OK);
  CHECK_RESULT(as_client_find_payment_session(c, "c-order-1", &e), AS_RESULT_NOT_FOUND);

  /* NULL everywhere. */
  CHECK_RESULT(as_client_find_payment_session(NULL, "r", &e), AS_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(as_client_find_payment_session(c, NULL, &e), AS_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(as_client_find_payment_session(c, "r", NULL), AS_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(as_client_forget_reference(NULL, "r"), AS_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(as_client_forget_reference(c, NULL), AS_RESULT_INVALID_ARGUMENT);
  CHECK_RESULT(as_client_options_set_journal_path(NULL, path), AS_RESULT_INVALID_ARGUMENT);
  CHECK(as_journal_entry_reference(NULL) == NULL);
  CHECK(as_journal_entry_challenge_id(NULL) == NULL);
  CHECK(as_journal_entry_status(NULL) == AS_PAYMENT_STATUS_UNKNOWN);
  CHECK(as_journal_entry_status_str(NULL) == NULL);
  CHECK(!as_journal_entry_outcome_unknown(NULL));
  CHECK(as_journal_entry_created_at_ms(NULL) == 0);
  as_journal_entry_free(NULL);

  /* A journal that is not one: AS_RESULT_JOURNAL from as_client_new, naming the path. */
  as_client *bad = NULL;
  FILE *f = fopen(path, "w");
  if (f) {
    fputs("not a journal, just text\n", f);
    fclose(f);
  }
  char wal[320], shm[320];
  snprintf(wal, sizeof wal, "%s-wal", path);
  snprintf(shm, sizeof shm, "%s-shm", path);
  as_client_free(c);
  remove(wal);
  remove(shm);
  CHECK_RESULT(as_client_new(o, &bad), AS_RESULT_JOURNAL);
  CHECK(bad == NULL);
  CHECK(strstr(as_last_error_message(), path) != NULL);
  /* A client without a journal refuses the journal's calls. */
  CHECK_RESULT(as_client_options_set_journal_path(o, NULL), AS_RESULT_OK);
  CHECK_RESULT(as_client_new(o, &bad), AS_RESULT_OK);
  CHECK_RESULT(as_client_forget_reference(bad, "r"), AS_RESULT_INVALID_ARGUMENT);
  as_client_free(bad);

  as_payment_session_free(s);
  as_payment_session_free(done);
  as_client_options_free(o);
  remove(path);
  remove(wal);
  remove(shm);
  test_remove_dir(dir);
}

/* Past the journal lifetime a PENDING entry is asked of the server, never let through on
   age: the session turned COMPLETED meanwhile, so the second create is refused. A journal
   deleted under the open client: the payment's answer still comes, with
   as_payment_session_journal_error saying the journal did not record it, and every later
   journal call gives AS_RESULT_JOURNAL. */
static void test_journal_past_its_lifetime(void) {
  char dir[260];
  char path[300];
  if (!test_temp_dir(dir, sizeof dir, "as-c-lifetime")) {
    CHECK(!"test_temp_dir");
    return;
  }
  snprintf(path, sizeof path, "%s/pos.journal", dir);
  as_client_options *o = NULL;
  as_client *c = NULL;
  as_payment_session *s = NULL, *again = NULL, *done = NULL;
  CHECK_RESULT(as_client_options_new(&o), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_base_url(o, base_url), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_ca_file(o, ca_file), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_poll_interval_ms(o, 100), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_journal_path(o, path), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_journal_lifetime_ms(o, 300), AS_RESULT_OK);
  CHECK_RESULT(as_client_new(o, &c), AS_RESULT_OK);
  char wal[320], shm[320];
  snprintf(wal, sizeof wal, "%s-wal", path);
  snprintf(shm, sizeof shm, "%s-shm", path);
  const char *tid = terminal("+outcome=COMPLETED+polls=0");
  CHECK_RESULT(as_client_create_payment_session_minor(c, tid, 500, "USD", "c-later", &s), AS_RESULT_OK);
  CHECK(as_payment_session_journal_error(s) == NULL);
  struct timespec pause = {0, 450 * 1000 * 1000};
  nanosleep(&pause, NULL);
  CHECK_RESULT(as_client_create_payment_session_minor(c, tid, 500, "USD", "c-later", &again),
               AS_RESULT_DUPLICATE_REFERENCE);
  CHECK(again == NULL);
  CHECK(strstr(as_last_error_message(), "already paid") != NULL);
  CHECK(as_payment_session_journal_error(NULL) == NULL);
#ifndef _WIN32
  /* Windows does not let an open journal be deleted. */
  as_payment_session_free(s);
  s = NULL;
  const char *pending = terminal("+outcome=COMPLETED+polls=1");
  CHECK_RESULT(as_client_create_payment_session_minor(c, pending, 500, "USD", "c-deleted", &s),
               AS_RESULT_OK);
  CHECK(remove(path) == 0);
  remove(wal);
  remove(shm);
  if (s) {
    CHECK_RESULT(as_client_wait_payment_session(c, pending, as_payment_session_challenge_id(s), 30000,
                                                NULL, &done),
                 AS_RESULT_OK);
    CHECK(as_payment_session_status(done) == AS_PAYMENT_STATUS_COMPLETED);
    CHECK(as_payment_session_journal_error(done) != NULL &&
          strstr(as_payment_session_journal_error(done), "deleted") != NULL);
  }
  CHECK_RESULT(as_client_create_payment_session_minor(c, pending, 500, "USD", "c-other", &again),
               AS_RESULT_JOURNAL);
  CHECK(again == NULL);
#endif
  as_payment_session_free(s);
  as_payment_session_free(done);
  as_client_free(c);
  as_client_options_free(o);
  remove(path);
  remove(wal);
  remove(shm);
  test_remove_dir(dir);
}

int main(void) {
  base_url = getenv("SIM_BASE_URL");
  ca_file = getenv("SIM_CA_FILE");
  if (!base_url || !*base_url || !ca_file || !*ca_file) {
    fprintf(stderr, "test_api: run it through scripts/with-simulator.sh (SIM_BASE_URL)\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  const struct test tests[] = {
      {"version, result names and currency exponents", test_version_names_and_currencies},
      {"every _free and getter accepts NULL", test_free_accepts_null},
      {"NULL for every pointer argument", test_null_arguments},
      {"bad input is refused before any I/O", test_bad_input_is_refused_before_any_io},
      {"create, get and wait until COMPLETED", test_create_get_wait_completed},
      {"minor units; FAILED, EXPIRED and unknown outcomes", test_minor_units_and_other_outcomes},
      {"every error category of a create, and outcome_unknown",
       test_every_error_category_of_a_create},
      {"TLS and network errors", test_tls_and_network_errors},
      {"a wait ends STILL_PENDING at its deadline", test_wait_still_pending},
      {"a wait is cancelled from another thread", test_wait_cancelled_from_another_thread},
      {"the one-call functions use the default client", test_default_client},
      {"one client shared by several threads", test_one_client_many_threads},
      {"the log callback gets lines without the terminal id", test_log_callback},
      {"the payment journal: duplicate refused, restart resumes, forget", test_payment_journal},
      {"the payment journal past its lifetime asks the server", test_journal_past_its_lifetime},
  };
  int failed_tests = 0;
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    failed_checks = 0;
    tests[i].run();
    printf("%s - %s\n", failed_checks ? "not ok" : "ok", tests[i].name);
    if (failed_checks) failed_tests++;
  }
  return failed_tests ? 1 : 0;
}
