/* The benchmark client for this library from C: one as_client shared by every thread,
 * one create per call, the answer checked. The create is
 * as_client_create_payment_session_minor (1250 USD), or with BENCH_AMOUNT=double
 * as_client_create_payment_session (12.5 USD): the same request either way. */
#include "bench_common.h"

#include "authsignal_terminal.h"

static int use_double(void) {
  const char *amount = getenv("BENCH_AMOUNT");
  return amount != NULL && strcmp(amount, "double") == 0;
}

static const char *bench_name(void) { return use_double() ? "c-lib-double" : "c-lib"; }

/* BENCH_AMOUNT, read once by bench_shared_new before any thread starts. */
static int by_double;

static void die(const char *what, as_result r) {
  fprintf(stderr, "%s: %s: %s\n", what, as_result_name((unsigned)r), as_last_error_message());
  exit(2);
}

static void *bench_shared_new(const char *base_url, const char *ca_file) {
  by_double = use_double();
  as_client_options *o = NULL;
  as_client *c = NULL;
  as_result r;
  if ((r = as_client_options_new(&o)) != AS_RESULT_OK) die("options", r);
  if ((r = as_client_options_set_base_url(o, base_url)) != AS_RESULT_OK) die("base url", r);
  if ((r = as_client_options_set_ca_file(o, ca_file)) != AS_RESULT_OK) die("ca file", r);
  if ((r = as_client_new(o, &c)) != AS_RESULT_OK) die("client", r);
  as_client_options_free(o);
  return c;
}

static void *bench_thread_new(void *shared) { return shared; }

static int bench_call(void *handle, const char *terminal_id) {
  as_payment_session *s = NULL;
  const as_client *c = (const as_client *)handle;
  as_result r = by_double
                    ? as_client_create_payment_session(c, terminal_id, 12.5, "USD", "bench", &s)
                    : as_client_create_payment_session_minor(c, terminal_id, 1250, "USD", "bench", &s);
  if (r != AS_RESULT_OK) {
    fprintf(stderr, "create: %s: %s\n", as_result_name((unsigned)r), as_last_error_message());
    return 1;
  }
  int bad = as_payment_session_status(s) != AS_PAYMENT_STATUS_PENDING ||
            as_payment_session_challenge_id(s) == NULL;
  as_payment_session_free(s);
  return bad;
}

static void bench_thread_free(void *handle) { (void)handle; }

static void bench_shared_free(void *shared) { as_client_free((as_client *)shared); }
