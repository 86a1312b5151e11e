/*
 * Payment safety at the edges, as a C program sees it: what the wire saw decides
 * "outcome unknown", nothing of the library outlives a call (threads and sockets counted
 * in /proc/self), callbacks run only inside calls and a callback change waits for them,
 * calls during thread teardown return a result, and the default client keeps only a
 * success.
 *
 *   test_edges          needs SIM_BASE_URL and SIM_CA_FILE (scripts/with-simulator.sh)
 *
 * Linux only (it forks a black-hole server and reads /proc/self). Prints one line per
 * test, "ok - NAME" or "not ok - NAME"; tests/c/run.sh counts them. Builds with
 * -Wall -Wextra -Wpedantic -Werror as C11.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "authsignal_terminal.h"

/* A terminal id recognisable in any text it could leak into; never printed. */
#define SECRET "tid_SECRET_edge5afe"

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

static as_client *client_for(const char *url, const char *ca, uint32_t request_timeout_ms) {
  as_client_options *o = NULL;
  as_client *c = NULL;
  CHECK_RESULT(as_client_options_new(&o), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_base_url(o, url), AS_RESULT_OK);
  if (ca) CHECK_RESULT(as_client_options_set_ca_file(o, ca), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_request_timeout_ms(o, request_timeout_ms), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_poll_interval_ms(o, 100), AS_RESULT_OK);
  CHECK_RESULT(as_client_new(o, &c), AS_RESULT_OK);
  as_client_options_free(o);
  return c;
}

static void sleep_ms(long ms) {
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&t, NULL);
}

/* Entries of a /proc/self folder, less "." and "..". */
static int count_entries(const char *path) {
  DIR *d = opendir(path);
  if (!d) return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] != '.') n++;
  }
  closedir(d);
  return n;
}

/* A black hole in a child process: accepts connections and never answers, until its
 * parent closes the pipe. Its threads and sockets are not this process's. */
struct black_hole {
  pid_t pid;
  int control; /* closing it stops the child */
  char url[64];
};

static int start_black_hole(struct black_hole *bh) {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 ||
      listen(listener, 64) != 0 || getsockname(listener, (struct sockaddr *)&addr, &len) != 0) {
    return -1;
  }
  int pipefd[2];
  if (pipe(pipefd) != 0) return -1;
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    close(pipefd[1]);
    /* Accept in the background of a select loop: the parent closing the pipe ends it. */
    for (;;) {
      fd_set fds;
      FD_ZERO(&fds);
      FD_SET(listener, &fds);
      FD_SET(pipefd[0], &fds);
      int top = listener > pipefd[0] ? listener : pipefd[0];
      if (select(top + 1, &fds, NULL, NULL, NULL) < 0) continue;
      if (FD_ISSET(pipefd[0], &fds)) _exit(0);
      if (FD_ISSET(listener, &fds)) (void)accept(listener, NULL, NULL); /* held open */
    }
  }
  close(pipefd[0]);
  close(listener);
  bh->pid = pid;
  bh->control = pipefd[1];
  snprintf(bh->url, sizeof bh->url, "http://127.0.0.1:%u/v1", (unsigned)ntohs(addr.sin_port));
  return 0;
}

static void stop_black_hole(struct black_hole *bh) {
  close(bh->control);
  waitpid(bh->pid, NULL, 0);
}

/* ---------------------------------------------------------------------------------- */

static pthread_t caller;
static volatile int in_call;
static int lines_outside_call;
static int lines_on_other_threads;

static void checking_sink(void *user_data, as_log_level level, const char *message) {
  (void)user_data;
  (void)level;
  (void)message;
  if (!in_call) lines_outside_call++;
  if (!pthread_equal(pthread_self(), caller)) lines_on_other_threads++;
}

struct cancel_later {
  as_cancel_token *token;
  long after_ms;
};

static void *cancel_after(void *arg) {
  struct cancel_later *c = (struct cancel_later *)arg;
  sleep_ms(c->after_ms);
  as_cancel_token_cancel(c->token);
  return NULL;
}

static void test_nothing_outlives_a_call(void) {
  struct black_hole bh;
  if (start_black_hole(&bh) != 0) {
    CHECK(!"the black hole server started");
    return;
  }
  caller = pthread_self();
  lines_outside_call = lines_on_other_threads = 0;
  CHECK_RESULT(as_set_log_callback(checking_sink, NULL, AS_LOG_LEVEL_DEBUG), AS_RESULT_OK);
  int threads_before = count_entries("/proc/self/task");
  int fds_before = count_entries("/proc/self/fd");
  /* The request timeout is long: only the wait's own deadline can end each read. */
  as_client *c = client_for(bh.url, NULL, 600000);
  for (int i = 0; i < 30; i++) {
    as_payment_session *s = (as_payment_session *)&s; /* must be set to NULL */
    in_call = 1;
    as_result r = as_client_wait_payment_session(c, terminal(""), "never-answered", 100, NULL, &s);
    in_call = 0;
    CHECK(r == AS_RESULT_TIMEOUT);
    CHECK(s == NULL);
    CHECK(as_last_error_outcome_unknown() == false);
    /* When the call returns, no thread of the library runs on its behalf. */
    CHECK(count_entries("/proc/self/task") == threads_before);
  }
  /* A wait cancelled from another thread while its read is in flight: with a one-hour
   * deadline and a ten-minute request timeout, only closing the socket can end it. */
  as_cancel_token *token = as_cancel_token_new();
  struct cancel_later later = {token, 300};
  pthread_t canceller;
  pthread_create(&canceller, NULL, cancel_after, &later);
  as_payment_session *s = NULL;
  in_call = 1;
  CHECK_RESULT(as_client_wait_payment_session(c, terminal(""), "never-answered", 3600000, token, &s),
               AS_RESULT_CANCELLED);
  in_call = 0;
  pthread_join(canceller, NULL);
  as_cancel_token_free(token);
  CHECK(count_entries("/proc/self/task") == threads_before);
  as_client_free(c);
  /* After as_client_free, its sockets are closed. */
  CHECK(count_entries("/proc/self/fd") == fds_before);
  CHECK(count_entries("/proc/self/task") == threads_before);
  sleep_ms(200);
  CHECK(lines_outside_call == 0);
  CHECK(lines_on_other_threads == 0);
  CHECK_RESULT(as_set_log_callback(NULL, NULL, AS_LOG_LEVEL_DEBUG), AS_RESULT_OK);
  stop_black_hole(&bh);
}

/* ---------------------------------------------------------------------------------- */

struct slow_sink {
  volatile int entered;
  volatile int left;
};

static void slow_callback(void *user_data, as_log_level level, const char *message) {
  struct slow_sink *sink = (struct slow_sink *)user_data;
  (void)level;
  (void)message;
  if (sink->entered) return; /* only the first line is slow */
  sink->entered = 1;
  sleep_ms(300);
  sink->left = 1;
}

static void *create_in_background(void *arg) {
  as_client *c = (as_client *)arg;
  as_payment_session *s = NULL;
  if (as_client_create_payment_session_minor(c, terminal(""), 100, "USD", NULL, &s) ==
      AS_RESULT_OK) {
    as_payment_session_free(s);
  }
  return NULL;
}

static void test_a_callback_change_waits_for_callbacks_in_flight(void) {
  struct slow_sink *sink = (struct slow_sink *)calloc(1, sizeof *sink);
  as_client *c = client_for(base_url, ca_file, 10000);
  CHECK_RESULT(as_set_log_callback(slow_callback, sink, AS_LOG_LEVEL_DEBUG), AS_RESULT_OK);
  pthread_t worker;
  pthread_create(&worker, NULL, create_in_background, c);
  while (!sink->entered) sleep_ms(1);
  /* The worker is inside the callback with sink: turning logging off must wait for it. */
  CHECK_RESULT(as_set_log_callback(NULL, NULL, AS_LOG_LEVEL_DEBUG), AS_RESULT_OK);
  CHECK(sink->left == 1);
  free(sink); /* allowed now: no callback can be using it */
  pthread_join(worker, NULL);
  as_client_free(c);
}

/* ---------------------------------------------------------------------------------- */

static pthread_key_t teardown_key;
static int teardown_checks_failed;
static int teardown_ran;
static as_client *teardown_client;

static void at_thread_exit(void *value) {
  (void)value;
  teardown_ran = 1;
  /* Rust's thread-locals of this thread may be gone by now: nothing may abort. */
  as_payment_session *s = NULL;
  as_result r = as_client_create_payment_session_minor(teardown_client, NULL, 100, "USD", NULL, &s);
  if (r != AS_RESULT_INVALID_ARGUMENT) teardown_checks_failed++;
  const char *message = as_last_error_message();
  if (message == NULL || strstr(message, SECRET) != NULL) teardown_checks_failed++;
  r = as_client_create_payment_session_minor(teardown_client, terminal(""), 100, "USD", NULL, &s);
  if (r == AS_RESULT_OK) {
    as_payment_session_free(s);
  } else {
    teardown_checks_failed++;
  }
  if (as_last_error_message() == NULL) teardown_checks_failed++;
  (void)as_last_error_http_status();
  (void)as_last_error_server_code();
  (void)as_last_error_outcome_unknown();
}

static void *thread_with_destructor(void *arg) {
  (void)arg;
  pthread_setspecific(teardown_key, &teardown_key);
  /* Use the library on this thread first, so its thread-locals exist and are torn down. */
  as_payment_session *s = NULL;
  (void)as_client_create_payment_session_minor(teardown_client, "", 100, "USD", NULL, &s);
  return NULL;
}

static void test_calls_during_thread_teardown_return_a_result(void) {
  teardown_client = client_for(base_url, ca_file, 10000);
  pthread_key_create(&teardown_key, at_thread_exit);
  pthread_t t;
  pthread_create(&t, NULL, thread_with_destructor, NULL);
  pthread_join(t, NULL);
  CHECK(teardown_ran == 1);
  CHECK(teardown_checks_failed == 0);
  pthread_key_delete(teardown_key);
  as_client_free(teardown_client);
}

/* ---------------------------------------------------------------------------------- */

static void test_outcome_unknown_follows_the_wire(void) {
  as_client *c = client_for(base_url, ca_file, 10000);
  as_payment_session *s = NULL;
  /* The server read the create, then wrote bytes that are not TLS: it may have acted. */
  CHECK_RESULT(as_client_create_payment_session_minor(c, terminal("+fault=garbage"), 100, "USD",
                                                      NULL, &s),
               AS_RESULT_NETWORK);
  CHECK(as_last_error_outcome_unknown() == true);
  CHECK(strstr(as_last_error_message(), "after the request was sent") != NULL);
  CHECK(strstr(as_last_error_message(), "CA file") == NULL);
  /* A redirect and a status no API gives: the server processed the create. */
  CHECK_RESULT(as_client_create_payment_session_minor(c, terminal("+fault=status-303"), 100,
                                                      "USD", NULL, &s),
               AS_RESULT_PROTOCOL);
  CHECK(as_last_error_outcome_unknown() == true);
  CHECK(as_last_error_http_status() == 303);
  CHECK_RESULT(as_client_create_payment_session_minor(c, terminal("+fault=status-600"), 100,
                                                      "USD", NULL, &s),
               AS_RESULT_PROTOCOL);
  CHECK(as_last_error_outcome_unknown() == true);
  /* A read answered with another session's status is refused. */
  const char *other = terminal("+fault=other-session+on=get");
  as_payment_session *created = NULL;
  CHECK_RESULT(as_client_create_payment_session_minor(c, other, 100, "USD", NULL, &created),
               AS_RESULT_OK);
  if (created) {
    CHECK_RESULT(
        as_client_get_payment_session(c, other, as_payment_session_challenge_id(created), &s),
        AS_RESULT_PROTOCOL);
    CHECK(s == NULL);
    as_payment_session_free(created);
  }
  as_client_free(c);

  /* A host name that does not resolve: nothing was sent. */
  c = client_for("https://nonexistent.invalid/v1", NULL, 10000);
  CHECK_RESULT(as_client_create_payment_session_minor(c, terminal(""), 100, "USD", NULL, &s),
               AS_RESULT_NETWORK);
  CHECK(as_last_error_outcome_unknown() == false);
  CHECK(strstr(as_last_error_message(), "did not resolve") != NULL);
  as_client_free(c);
}

static void test_socks_proxies_are_refused(void) {
  as_client_options *o = NULL;
  CHECK_RESULT(as_client_options_new(&o), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_proxy(o, "socks5://127.0.0.1:1080"),
               AS_RESULT_INVALID_ARGUMENT);
  CHECK(strstr(as_last_error_message(), "SOCKS") != NULL);
  CHECK_RESULT(as_client_options_set_proxy(o, "http://127.0.0.1:3128"), AS_RESULT_OK);
  as_client_options_free(o);
}

static void test_the_default_client_keeps_only_a_success(void) {
  char *real_ca = strdup(ca_file);
  setenv("AUTHSIGNAL_TERMINAL_BASE_URL", base_url, 1);
  setenv("AUTHSIGNAL_TERMINAL_CA_FILE", "/nonexistent/edge-ca.pem", 1);
  as_payment_session *s = NULL;
  CHECK_RESULT(as_create_payment_session_minor(terminal(""), 100, "USD", NULL, &s),
               AS_RESULT_INVALID_ARGUMENT);
  /* The CA file appears (here: the variable is fixed): the next call builds the client. */
  setenv("AUTHSIGNAL_TERMINAL_CA_FILE", real_ca, 1);
  CHECK_RESULT(as_create_payment_session_minor(terminal(""), 100, "USD", NULL, &s), AS_RESULT_OK);
  as_payment_session_free(s);
  free(real_ca);
}

/* ---------------------------------------------------------------------------------- */

struct test {
  const char *name;
  void (*run)(void);
};

int main(void) {
  base_url = getenv("SIM_BASE_URL");
  ca_file = getenv("SIM_CA_FILE");
  if (!base_url || !*base_url || !ca_file || !*ca_file) {
    fprintf(stderr, "test_edges: run it through scripts/with-simulator.sh (SIM_BASE_URL)\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  signal(SIGPIPE, SIG_IGN);
  const struct test tests[] = {
      {"outcome unknown follows the wire (garbage after the request, 303, 600, DNS)",
       test_outcome_unknown_follows_the_wire},
      {"a read answered about another session, and SOCKS proxies, are refused",
       test_socks_proxies_are_refused},
      {"nothing outlives a call: threads, sockets and log lines counted",
       test_nothing_outlives_a_call},
      {"as_set_log_callback waits for callbacks in flight",
       test_a_callback_change_waits_for_callbacks_in_flight},
      {"calls during thread teardown return a result", test_calls_during_thread_teardown_return_a_result},
      {"the default client keeps only a success", test_the_default_client_keeps_only_a_success},
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
