/*
 * A long-running leak test of the C ABI, meant for valgrind (tests/c/run.sh): many cycles
 * of options/client new and free, create, get, wait, cancel tokens, failing calls (a 5xx,
 * a malformed answer, a 404, bad input) and session frees, against the simulator over
 * HTTPS. valgrind then reports any memory error or "definitely lost" block.
 *
 *   leak_cycles [CYCLES]   needs SIM_BASE_URL and SIM_CA_FILE (scripts/with-simulator.sh)
 *
 * Prints "ok - NAME" or "not ok - NAME" per phase, like test_api.c. Builds with
 * -Wall -Wextra -Wpedantic -Werror as C11.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authsignal_terminal.h"

/* Recognisable, never printed. */
#define SECRET "tid_SECRET_1eakc0de"

#include "check.h"

static as_client *new_client(const char *base_url, const char *ca_file) {
  as_client_options *o = NULL;
  as_client *c = NULL;
  CHECK_RESULT(as_client_options_new(&o), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_base_url(o, base_url), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_ca_file(o, ca_file), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_request_timeout_ms(o, 20000), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_poll_interval_ms(o, 100), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_user_agent_suffix(o, "leak-cycles/1.0"), AS_RESULT_OK);
  /* Setting a value twice replaces it without leaking the first. */
  CHECK_RESULT(as_client_options_set_user_agent_suffix(o, "leak-cycles/1.1"), AS_RESULT_OK);
  CHECK_RESULT(as_client_new(o, &c), AS_RESULT_OK);
  as_client_options_free(o);
  return c;
}

static void on_log(void *user_data, as_log_level level, const char *message) {
  (void)level;
  *(size_t *)user_data += strlen(message) > 0;
}

static void report(const char *name, int before) {
  printf("%s - %s\n", failed_checks == before ? "ok" : "not ok", name);
  fflush(stdout);
}

int main(int argc, char **argv) {
  const char *base_url = getenv("SIM_BASE_URL");
  const char *ca_file = getenv("SIM_CA_FILE");
  int cycles = argc > 1 ? atoi(argv[1]) : 1000;
  if (!base_url || !ca_file || cycles <= 0) {
    fprintf(stderr, "usage: SIM_BASE_URL=... SIM_CA_FILE=... leak_cycles [CYCLES]\n");
    return 2;
  }
  size_t log_lines = 0;
  CHECK_RESULT(as_set_log_callback(on_log, &log_lines, AS_LOG_LEVEL_DEBUG), AS_RESULT_OK);

  int before = failed_checks;
  as_client *c = new_client(base_url, ca_file);
  for (int i = 0; i < cycles; i++) {
    /* A fresh client now and then: its pool and TLS state must be freed in full. */
    if (i % 50 == 49) {
      as_client_free(c);
      c = new_client(base_url, ca_file);
    }
    char reference[64];
    snprintf(reference, sizeof reference, "leak-%d", i);
    as_payment_session *s = NULL;
    CHECK_RESULT(as_client_create_payment_session_minor(c, SECRET "+polls=1", 100 + i, "USD",
                                                        reference, &s),
                 AS_RESULT_OK);
    if (!s) continue;
    char challenge[129];
    snprintf(challenge, sizeof challenge, "%s", as_payment_session_challenge_id(s));
    CHECK(strcmp(as_payment_session_reference(s), reference) == 0);
    as_payment_session_free(s);

    as_payment_session *got = NULL;
    CHECK_RESULT(as_client_get_payment_session(c, SECRET "+polls=1", challenge, &got),
                 AS_RESULT_OK);
    CHECK(got && as_payment_session_status(got) == AS_PAYMENT_STATUS_PENDING);
    as_payment_session_free(got);

    as_cancel_token *token = as_cancel_token_new();
    as_payment_session *done = NULL;
    CHECK_RESULT(as_client_wait_payment_session(c, SECRET "+polls=1", challenge, 30000, token,
                                                &done),
                 AS_RESULT_OK);
    CHECK(done && as_payment_session_status(done) == AS_PAYMENT_STATUS_COMPLETED);
    as_payment_session_free(done);
    as_cancel_token_cancel(token);
    as_cancel_token_free(token);
  }
  as_client_free(c);
  report("create, get, wait and free cycles", before);

  before = failed_checks;
  c = new_client(base_url, ca_file);
  for (int i = 0; i < cycles / 4 + 1; i++) {
    as_payment_session *s = (as_payment_session *)&c;
    CHECK_RESULT(as_client_create_payment_session_minor(c, SECRET "+fault=500", 100, "USD",
                                                        NULL, &s),
                 AS_RESULT_SERVER_ERROR);
    CHECK(s == NULL && as_last_error_outcome_unknown());
    CHECK(as_last_error_server_code() != NULL);
    CHECK_RESULT(as_client_create_payment_session_minor(c, SECRET "+fault=malformed", 100,
                                                        "USD", NULL, &s),
                 AS_RESULT_PROTOCOL);
    CHECK_RESULT(as_client_get_payment_session(c, SECRET, "no-such-session", &s),
                 AS_RESULT_NOT_FOUND);
    CHECK_RESULT(as_client_create_payment_session(c, SECRET, 10.005, "USD", NULL, &s),
                 AS_RESULT_INVALID_ARGUMENT);
    CHECK_RESULT(as_client_create_payment_session(c, "bad id", 1.0, "USD", NULL, &s),
                 AS_RESULT_INVALID_ARGUMENT);
    as_cancel_token *token = as_cancel_token_new();
    as_cancel_token_cancel(token);
    CHECK_RESULT(as_client_wait_payment_session(c, SECRET, "abc", 30000, token, &s),
                 AS_RESULT_CANCELLED);
    as_cancel_token_free(token);
    CHECK(s == NULL);
    CHECK(strstr(as_last_error_message(), SECRET) == NULL);
  }
  as_client_free(c);
  report("failing calls and their last errors", before);

  CHECK_RESULT(as_set_log_callback(NULL, NULL, AS_LOG_LEVEL_DEBUG), AS_RESULT_OK);
  before = failed_checks;
  CHECK(log_lines > 0);
  report("log lines delivered", before);
  printf("# %d cycles\n", cycles);
  return failed_checks == 0 ? 0 : 1;
}
