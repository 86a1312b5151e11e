/* The benchmark client for this library from C: one create per call, the answer checked.
 * The create is as_client_create_payment_session_minor (1250 USD), or with
 * BENCH_AMOUNT=double as_client_create_payment_session (12.5 USD): the same request
 * either way. Further switches, all read once before any thread starts:
 *   BENCH_CLIENT_PER_THREAD=1  one as_client per thread (default: one shared by all)
 *   BENCH_SYSTEM_ROOTS=1       the operating system's roots (use_system_roots), no CA file
 *                              (bench_common.h then passes ca_file NULL)
 *   BENCH_JOURNAL=DIR          the payment journal in DIR (as_client_options_set_journal_path)
 *   BENCH_UNIQUE_REF=1         reference "bench-<n>", a new one per call (a journal refuses
 *                              a second create for a reference it holds as PENDING) */
#include "bench_common.h"

#include "authsignal_terminal.h"

static int env_set(const char *name) {
  const char *v = getenv(name);
  return v != NULL && *v != '\0' && strcmp(v, "0") != 0;
}

static const char *bench_name(void) {
  const char *amount = getenv("BENCH_AMOUNT");
  return amount != NULL && strcmp(amount, "double") == 0 ? "c-lib-double" : "c-lib";
}

struct shared {
  const char *base_url, *ca_file, *journal;
  int by_double, per_thread, unique_ref;
  long next_ref; /* BENCH_UNIQUE_REF: taken with __atomic_fetch_add */
  as_client *client; /* the shared client, unless per_thread */
};

struct handle {
  struct shared *shared;
  as_client *client;
};

static void die(const char *what, as_result r) {
  fprintf(stderr, "%s: %s: %s\n", what, as_result_name((unsigned)r), as_last_error_message());
  exit(2);
}

static as_client *new_client(const struct shared *s) {
  as_client_options *o = NULL;
  as_client *c = NULL;
  as_result r;
  if ((r = as_client_options_new(&o)) != AS_RESULT_OK) die("options", r);
  if ((r = as_client_options_set_base_url(o, s->base_url)) != AS_RESULT_OK) die("base url", r);
  if (s->ca_file != NULL) {
    if ((r = as_client_options_set_ca_file(o, s->ca_file)) != AS_RESULT_OK) die("ca file", r);
  } else if ((r = as_client_options_set_use_system_roots(o, true)) != AS_RESULT_OK) {
    die("system roots", r);
  }
  if (s->journal != NULL && (r = as_client_options_set_journal_path(o, s->journal)) != AS_RESULT_OK)
    die("journal", r);
  if ((r = as_client_new(o, &c)) != AS_RESULT_OK) die("client", r);
  as_client_options_free(o);
  return c;
}

static void *bench_shared_new(const char *base_url, const char *ca_file) {
  struct shared *s = calloc(1, sizeof *s);
  if (s == NULL) exit(2);
  const char *amount = getenv("BENCH_AMOUNT");
  s->base_url = base_url;
  s->ca_file = ca_file;
  s->journal = getenv("BENCH_JOURNAL");
  if (s->journal != NULL && *s->journal == '\0') s->journal = NULL;
  s->by_double = amount != NULL && strcmp(amount, "double") == 0;
  s->per_thread = env_set("BENCH_CLIENT_PER_THREAD");
  s->unique_ref = env_set("BENCH_UNIQUE_REF");
  if (!s->per_thread) s->client = new_client(s);
  return s;
}

static void *bench_thread_new(void *shared) {
  struct handle *h = calloc(1, sizeof *h);
  if (h == NULL) exit(2);
  h->shared = shared;
  h->client = h->shared->per_thread ? new_client(h->shared) : h->shared->client;
  return h;
}

static int bench_call(void *handle, const char *terminal_id) {
  struct handle *h = handle;
  const struct shared *sh = h->shared;
  char reference[32] = "bench";
  if (sh->unique_ref)
    snprintf(reference, sizeof reference, "bench-%ld",
             __atomic_fetch_add(&h->shared->next_ref, 1, __ATOMIC_RELAXED));
  as_payment_session *s = NULL;
  as_result r = sh->by_double
                    ? as_client_create_payment_session(h->client, terminal_id, 12.5, "USD", reference, &s)
                    : as_client_create_payment_session_minor(h->client, terminal_id, 1250, "USD", reference,
                                                             &s);
  if (r != AS_RESULT_OK) {
    fprintf(stderr, "create: %s: %s\n", as_result_name((unsigned)r), as_last_error_message());
    return 1;
  }
  int bad = as_payment_session_status(s) != AS_PAYMENT_STATUS_PENDING ||
            as_payment_session_challenge_id(s) == NULL;
  as_payment_session_free(s);
  return bad;
}

static void bench_thread_free(void *handle) {
  struct handle *h = handle;
  if (h->shared->per_thread) as_client_free(h->client);
  free(h);
}

static void bench_shared_free(void *shared) {
  struct shared *s = shared;
  as_client_free(s->client); /* NULL when per_thread */
  free(s);
}
