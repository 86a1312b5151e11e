/*
 * The 32-bit stdcall DLL (target/windows/x86-stdcall/) as VB6, VBA, PowerBuilder or Visual
 * FoxPro call it, against the simulator under Wine (tests/windows/run.sh).
 *
 * It declares every function of include/authsignal_terminal.h itself, __stdcall, as a
 * VB6 Declare block does, and links them through the stdcall import library, whose
 * decorated names (_as_client_new@8) carry each function's argument bytes as the Rust
 * side counts them: a declaration that disagrees does not link. Every call is made
 * through BALANCED, which checks what VB6 checks after each call ("Bad DLL calling
 * convention"): that the stack pointer is where it was, i.e. that the DLL popped its own
 * arguments. The log callback is __stdcall too, as VB6's AddressOf gives.
 *
 * Needs SIM_BASE_URL, SIM_CA_FILE (a Windows path), AUTHSIGNAL_TERMINAL_BASE_URL,
 * AUTHSIGNAL_TERMINAL_CA_FILE and EXPECTED_VERSION. Prints "ok - NAME" / "not ok - NAME".
 * Built with -O0, so that nothing moves the stack pointer between the two reads.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if !defined(_WIN32) || !defined(__i386__)
#error "test_stdcall.c is for 32-bit Windows"
#endif

#define API __declspec(dllimport) __stdcall
typedef struct as_client_options as_client_options;
typedef struct as_client as_client;
typedef struct as_payment_session as_payment_session;
typedef struct as_cancel_token as_cancel_token;
typedef void(__stdcall *as_log_callback)(void *user_data, unsigned int level, const char *line);

as_cancel_token *API as_cancel_token_new(void);
void API as_cancel_token_cancel(const as_cancel_token *t);
void API as_cancel_token_free(as_cancel_token *t);
unsigned int API as_client_new(const as_client_options *options, as_client **out);
unsigned int API as_client_create_payment_session(const as_client *c, const char *terminal_id,
                                                  double amount, const char *currency,
                                                  const char *reference,
                                                  as_payment_session **out);
unsigned int API as_client_create_payment_session_minor(const as_client *c,
                                                        const char *terminal_id,
                                                        int64_t amount_minor,
                                                        const char *currency,
                                                        const char *reference,
                                                        as_payment_session **out);
unsigned int API as_client_get_payment_session(const as_client *c, const char *terminal_id,
                                               const char *challenge_id,
                                               as_payment_session **out);
unsigned int API as_client_wait_payment_session(const as_client *c, const char *terminal_id,
                                                const char *challenge_id, uint32_t timeout_ms,
                                                const as_cancel_token *cancel,
                                                as_payment_session **out);
void API as_client_free(as_client *c);
unsigned int API as_client_options_new(as_client_options **out);
unsigned int API as_client_options_set_region(as_client_options *o, unsigned int region);
unsigned int API as_client_options_set_base_url(as_client_options *o, const char *base_url);
unsigned int API as_client_options_set_connect_timeout_ms(as_client_options *o, uint32_t ms);
unsigned int API as_client_options_set_request_timeout_ms(as_client_options *o, uint32_t ms);
unsigned int API as_client_options_set_poll_interval_ms(as_client_options *o, uint32_t ms);
unsigned int API as_client_options_set_ca_file(as_client_options *o, const char *pem_path);
unsigned int API as_client_options_set_use_system_roots(as_client_options *o, bool enabled);
unsigned int API as_client_options_set_proxy(as_client_options *o, const char *proxy_url);
unsigned int API as_client_options_set_user_agent_suffix(as_client_options *o,
                                                         const char *suffix);
void API as_client_options_free(as_client_options *o);
unsigned int API as_create_payment_session(const char *terminal_id, double amount,
                                           const char *currency, const char *reference,
                                           as_payment_session **out);
unsigned int API as_create_payment_session_minor(const char *terminal_id, int64_t amount_minor,
                                                 const char *currency, const char *reference,
                                                 as_payment_session **out);
unsigned int API as_get_payment_session(const char *terminal_id, const char *challenge_id,
                                        as_payment_session **out);
int API as_currency_exponent(const char *currency);
const char *API as_last_error_message(void);
int API as_last_error_http_status(void);
const char *API as_last_error_server_code(void);
bool API as_last_error_outcome_unknown(void);
const char *API as_result_name(unsigned int result);
const char *API as_version(void);
unsigned int API as_set_log_callback(as_log_callback callback, void *user_data,
                                     unsigned int max_level);
const char *API as_payment_session_challenge_id(const as_payment_session *s);
unsigned int API as_payment_session_status(const as_payment_session *s);
const char *API as_payment_session_status_str(const as_payment_session *s);
const char *API as_payment_session_reference(const as_payment_session *s);
void API as_payment_session_free(as_payment_session *s);

/* The numbers of include/authsignal_terminal.h that this test uses. */
enum { OK = 0, INVALID_ARGUMENT = 1, UNAUTHORIZED = 2, CANCELLED = 11 };
enum { STATUS_COMPLETED = 2, STATUS_FAILED = 4 };
enum { REGION_EU = 2, LOG_DEBUG = 3 };

#define SECRET "tid_SECRET_5dca11ed"

static int failed_checks;
static int unbalanced_calls;

#define CHECK(cond)                                                                    \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      failed_checks++;                                                                 \
      printf("#   %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);             \
    }                                                                                  \
  } while (0)

/* Runs STATEMENT (one call into the DLL) and checks the stack pointer after it. */
#define BALANCED(statement)                                                            \
  do {                                                                                 \
    uintptr_t before_, after_;                                                         \
    __asm__ volatile("movl %%esp, %0" : "=r"(before_));                                \
    statement;                                                                         \
    __asm__ volatile("movl %%esp, %0" : "=r"(after_));                                 \
    if (before_ != after_) {                                                           \
      unbalanced_calls++;                                                              \
      failed_checks++;                                                                 \
      printf("#   %s:%d: the stack moved by %d bytes: %s\n", __FILE__, __LINE__,       \
             (int)(after_ - before_), #statement);                                     \
    }                                                                                  \
  } while (0)

static const char *base_url, *ca_file;

struct log_sink {
  int lines;
  int leaks;
};

static void __stdcall on_log(void *user_data, unsigned int level, const char *line) {
  struct log_sink *sink = (struct log_sink *)user_data;
  sink->lines++;
  if (strstr(line, SECRET) != NULL || level > LOG_DEBUG) sink->leaks++;
}

static as_client *new_client(void) {
  as_client_options *o = NULL;
  as_client *c = NULL;
  unsigned int r;
  BALANCED(r = as_client_options_new(&o));
  CHECK(r == OK);
  BALANCED(r = as_client_options_set_region(o, REGION_EU));
  CHECK(r == OK);
  BALANCED(r = as_client_options_set_base_url(o, base_url));
  CHECK(r == OK);
  BALANCED(r = as_client_options_set_ca_file(o, ca_file));
  CHECK(r == OK);
  BALANCED(r = as_client_options_set_use_system_roots(o, false));
  CHECK(r == OK);
  BALANCED(r = as_client_options_set_connect_timeout_ms(o, 5000));
  CHECK(r == OK);
  BALANCED(r = as_client_options_set_request_timeout_ms(o, 10000));
  CHECK(r == OK);
  BALANCED(r = as_client_options_set_poll_interval_ms(o, 100));
  CHECK(r == OK);
  BALANCED(r = as_client_options_set_user_agent_suffix(o, "stdcall-test/1.0"));
  CHECK(r == OK);
  BALANCED(r = as_client_options_set_proxy(o, NULL));
  CHECK(r == INVALID_ARGUMENT);
  BALANCED(r = as_client_new(o, &c));
  CHECK(r == OK && c != NULL);
  BALANCED(as_client_options_free(o));
  return c;
}

static void test_plain_functions(void) {
  const char *s;
  int n;
  BALANCED(s = as_version());
  CHECK(strcmp(s, EXPECTED_VERSION) == 0);
  BALANCED(s = as_result_name(CANCELLED));
  CHECK(strcmp(s, "AS_RESULT_CANCELLED") == 0);
  BALANCED(n = as_currency_exponent("BHD"));
  CHECK(n == 3);
  BALANCED(n = as_currency_exponent("jpy"));
  CHECK(n == 0);
}

static void test_create_get_wait(void) {
  as_client *c = new_client();
  as_payment_session *s = NULL, *got = NULL, *done = NULL, *minor = NULL;
  const char *t = SECRET "+polls=1+outcome=COMPLETED", *id = NULL, *text;
  unsigned int r, status;
  struct log_sink sink = {0, 0};
  BALANCED(r = as_set_log_callback(on_log, &sink, LOG_DEBUG));
  CHECK(r == OK);
  BALANCED(r = as_client_create_payment_session(c, t, 12.5, "NZD", "order-1", &s));
  CHECK(r == OK && s != NULL);
  BALANCED(id = as_payment_session_challenge_id(s));
  CHECK(id != NULL && *id != '\0');
  BALANCED(status = as_payment_session_status(s));
  CHECK(status == 1); /* PENDING */
  BALANCED(text = as_payment_session_status_str(s));
  CHECK(text && strcmp(text, "PENDING") == 0);
  BALANCED(text = as_payment_session_reference(s));
  CHECK(text && strcmp(text, "order-1") == 0);
  BALANCED(r = as_client_get_payment_session(c, t, id, &got));
  CHECK(r == OK && got != NULL);
  BALANCED(r = as_client_wait_payment_session(c, t, id, 60000, NULL, &done));
  CHECK(r == OK && done != NULL);
  BALANCED(status = as_payment_session_status(done));
  CHECK(status == STATUS_COMPLETED);
  /* 1250 cents: an int64_t takes two stack slots (VB6 passes a Currency there). */
  BALANCED(r = as_client_create_payment_session_minor(c, SECRET "+outcome=FAILED+polls=0", 1250,
                                                      "USD", NULL, &minor));
  CHECK(r == OK && minor != NULL);
  BALANCED(text = as_payment_session_reference(minor));
  CHECK(text == NULL);
  BALANCED(r = as_set_log_callback(NULL, NULL, LOG_DEBUG));
  CHECK(r == OK);
  CHECK(sink.lines >= 2 && sink.leaks == 0);
  BALANCED(as_payment_session_free(s));
  BALANCED(as_payment_session_free(got));
  BALANCED(as_payment_session_free(done));
  BALANCED(as_payment_session_free(minor));
  BALANCED(as_client_free(c));
}

static void test_errors_and_cancel(void) {
  as_client *c = new_client();
  as_payment_session *s = NULL, *none = NULL;
  const char *text;
  unsigned int r;
  int http;
  bool unknown;
  BALANCED(r = as_client_create_payment_session(c, "unpaired_" SECRET, 5.0, "USD", NULL, &s));
  CHECK(r == UNAUTHORIZED && s == NULL);
  BALANCED(text = as_last_error_message());
  CHECK(text && *text && strstr(text, SECRET) == NULL);
  BALANCED(http = as_last_error_http_status());
  CHECK(http == 401);
  BALANCED(text = as_last_error_server_code());
  CHECK(text && strcmp(text, "unauthorized") == 0);
  BALANCED(unknown = as_last_error_outcome_unknown());
  CHECK(!unknown);

  as_cancel_token *token;
  BALANCED(token = as_cancel_token_new());
  CHECK(token != NULL);
  BALANCED(r = as_client_create_payment_session(c, SECRET "+outcome=PENDING", 5.0, "USD", NULL,
                                                &s));
  CHECK(r == OK);
  BALANCED(as_cancel_token_cancel(token));
  if (s) {
    BALANCED(r = as_client_wait_payment_session(c, SECRET "+outcome=PENDING",
                                                as_payment_session_challenge_id(s), 3600000u,
                                                token, &none));
    CHECK(r == CANCELLED && none == NULL);
  }
  BALANCED(as_cancel_token_free(token));
  BALANCED(as_payment_session_free(s));
  BALANCED(as_client_free(c));
}

/* The one-call functions: a default client from AUTHSIGNAL_TERMINAL_BASE_URL/_CA_FILE. */
static void test_default_client(void) {
  as_payment_session *s = NULL, *got = NULL, *minor = NULL;
  unsigned int r;
  BALANCED(r = as_create_payment_session(SECRET, 9.99, "EUR", "ref-d", &s));
  CHECK(r == OK && s != NULL);
  BALANCED(r = as_create_payment_session_minor(SECRET, 1000, "JPY", NULL, &minor));
  CHECK(r == OK && minor != NULL);
  if (s) {
    BALANCED(r = as_get_payment_session(SECRET, as_payment_session_challenge_id(s), &got));
    CHECK(r == OK && got != NULL);
  }
  BALANCED(as_payment_session_free(s));
  BALANCED(as_payment_session_free(got));
  BALANCED(as_payment_session_free(minor));
}

int main(void) {
  base_url = getenv("SIM_BASE_URL");
  ca_file = getenv("SIM_CA_FILE");
  if (!base_url || !*base_url || !ca_file || !*ca_file) {
    fprintf(stderr, "test_stdcall: needs SIM_BASE_URL and SIM_CA_FILE\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IONBF, 0);
  const struct {
    const char *name;
    void (*run)(void);
  } tests[] = {
      {"stdcall: version, result names, currency exponents", test_plain_functions},
      {"stdcall: options, create, get, wait, minor units, log callback", test_create_get_wait},
      {"stdcall: last error after a 401, cancel token", test_errors_and_cancel},
      {"stdcall: the one-call functions", test_default_client},
  };
  int failed_tests = 0;
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    failed_checks = 0;
    tests[i].run();
    printf("%s - %s\n", failed_checks ? "not ok" : "ok", tests[i].name);
    if (failed_checks) failed_tests++;
  }
  printf("%s - stdcall: every call left the stack where it was\n",
         unbalanced_calls ? "not ok" : "ok");
  return failed_tests || unbalanced_calls ? 1 : 0;
}
