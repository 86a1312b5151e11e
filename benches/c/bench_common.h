/* The shared driver of the C benchmarks: one client implementation per program
 * (bench_lib.c: this library; bench_curl.c: libcurl), the same modes and output.
 *
 *   prog seq N WARMUP        WARMUP untimed calls, then N timed calls on one thread
 *   prog threads T N WARMUP  one shared client (libcurl: one easy handle per thread),
 *                            WARMUP calls per thread, then N calls split over T threads
 *   prog cold                one call; prints when its answer arrived (CLOCK_REALTIME)
 *   prog mem N               N calls on one thread and nothing else (no latency samples,
 *                            whose array would grow with N): for resident memory
 *
 * Reads BENCH_BASE_URL, BENCH_CA_FILE and BENCH_TERMINAL_ID (never printed); with
 * BENCH_SYSTEM_ROOTS=1 BENCH_CA_FILE is not read and the client gets ca_file NULL (the
 * operating system's roots). Prints one JSON line on stdout: calls, failed, wall_s, rps,
 * p50_us, p99_us, cpu_us_per_call, maxrss_kb (peak), rss_kb (resident at the end), and
 * first_answer_ns for cold. Exits 1 when any call failed. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* What each program provides. A "shared" object is made once; each thread makes its own
 * handle from it. bench_call makes one create and checks the answer: 0 when it is right. */
static const char *bench_name(void);
static void *bench_shared_new(const char *base_url, const char *ca_file);
static void *bench_thread_new(void *shared);
static int bench_call(void *handle, const char *terminal_id);
static void bench_thread_free(void *handle);
static void bench_shared_free(void *shared);

/* The request every client sends (same body, same header values). */
#define BENCH_BODY "{\"amount\":12.5,\"currency\":\"USD\",\"reference\":\"bench\"}"

static uint64_t now_ns(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t cpu_us(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000u +
         (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/* A "Vm...: N kB" line of /proc/self/status, or -1. */
static long status_kb(const char *format) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kb = -1;
  if (f == NULL) return -1;
  while (fgets(line, sizeof line, f) != NULL)
    if (sscanf(line, format, &kb) == 1) break;
  fclose(f);
  return kb;
}

/* Peak resident memory of this process image: VmHWM, which exec resets (ru_maxrss would
 * keep the high-water mark of the process that started this one). */
static long maxrss_kb(void) { return status_kb("VmHWM: %ld kB"); }

/* Resident memory now. */
static long rss_kb(void) { return status_kb("VmRSS: %ld kB"); }

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

static const char *getenv_required(const char *name) {
  const char *v = getenv(name);
  if (v == NULL || *v == '\0') {
    fprintf(stderr, "%s is not set\n", name);
    exit(2);
  }
  return v;
}

struct worker {
  pthread_t thread;
  void *shared;
  const char *terminal_id;
  long warmup, calls;
  uint64_t *lat_ns;
  long failed;
  pthread_barrier_t *ready;
};

static void run_calls(struct worker *w, void *h) {
  for (long i = 0; i < w->calls; i++) {
    uint64_t t0 = now_ns(CLOCK_MONOTONIC);
    if (bench_call(h, w->terminal_id) != 0) w->failed++;
    w->lat_ns[i] = now_ns(CLOCK_MONOTONIC) - t0;
  }
}

static void *worker_main(void *arg) {
  struct worker *w = arg;
  void *h = bench_thread_new(w->shared);
  for (long i = 0; i < w->warmup; i++)
    if (bench_call(h, w->terminal_id) != 0) w->failed++;
  pthread_barrier_wait(w->ready); /* all warmed up */
  pthread_barrier_wait(w->ready); /* the clock starts */
  run_calls(w, h);
  bench_thread_free(h);
  return NULL;
}

static void report(const char *mode, int threads, long calls, long failed, uint64_t wall_ns,
                   uint64_t *lat, uint64_t cpu) {
  qsort(lat, (size_t)calls, sizeof *lat, cmp_u64);
  double wall_s = (double)wall_ns / 1e9;
  long p99 = (long)((double)calls * 0.99);
  if (p99 >= calls) p99 = calls - 1;
  printf("{\"client\":\"%s\",\"mode\":\"%s\",\"threads\":%d,\"calls\":%ld,\"failed\":%ld,"
         "\"wall_s\":%.6f,\"rps\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f,"
         "\"cpu_us_per_call\":%.2f,\"maxrss_kb\":%ld,\"rss_kb\":%ld}\n",
         bench_name(), mode, threads, calls, failed, wall_s, (double)calls / wall_s,
         (double)lat[calls / 2] / 1e3, (double)lat[p99] / 1e3, (double)cpu / (double)calls,
         maxrss_kb(), rss_kb());
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  const char *base_url = getenv_required("BENCH_BASE_URL");
  const char *system_roots = getenv("BENCH_SYSTEM_ROOTS");
  const char *ca_file = system_roots != NULL && strcmp(system_roots, "1") == 0
                            ? NULL
                            : getenv_required("BENCH_CA_FILE");
  const char *terminal_id = getenv_required("BENCH_TERMINAL_ID");

  if (strcmp(mode, "cold") == 0) {
    void *shared = bench_shared_new(base_url, ca_file);
    void *h = bench_thread_new(shared);
    int failed = bench_call(h, terminal_id) != 0;
    uint64_t at = now_ns(CLOCK_REALTIME);
    printf("{\"client\":\"%s\",\"mode\":\"cold\",\"calls\":1,\"failed\":%d,"
           "\"first_answer_ns\":%llu,\"maxrss_kb\":%ld}\n",
           bench_name(), failed, (unsigned long long)at, maxrss_kb());
    fflush(stdout);
    bench_thread_free(h);
    bench_shared_free(shared);
    return failed;
  }

  if (strcmp(mode, "mem") == 0 && argc == 3) {
    long n = atol(argv[2]), failed = 0;
    void *shared = bench_shared_new(base_url, ca_file);
    void *h = bench_thread_new(shared);
    for (long i = 0; i < n; i++)
      if (bench_call(h, terminal_id) != 0) failed++;
    printf("{\"client\":\"%s\",\"mode\":\"mem\",\"calls\":%ld,\"failed\":%ld,\"maxrss_kb\":%ld,"
           "\"rss_kb\":%ld}\n",
           bench_name(), n, failed, maxrss_kb(), rss_kb());
    bench_thread_free(h);
    bench_shared_free(shared);
    return failed != 0;
  }

  int threads;
  long calls, warmup;
  if (strcmp(mode, "seq") == 0 && argc == 4) {
    threads = 1;
    calls = atol(argv[2]);
    warmup = atol(argv[3]);
  } else if (strcmp(mode, "threads") == 0 && argc == 5) {
    threads = atoi(argv[2]);
    calls = atol(argv[3]);
    warmup = atol(argv[4]);
  } else {
    fprintf(stderr, "usage: %s seq N WARMUP | threads T N WARMUP | cold | mem N\n", argv[0]);
    return 2;
  }
  if (threads < 1 || calls < threads || warmup < 0) {
    fprintf(stderr, "bad numbers\n");
    return 2;
  }

  void *shared = bench_shared_new(base_url, ca_file);
  uint64_t *lat = calloc((size_t)calls, sizeof *lat);
  struct worker *ws = calloc((size_t)threads, sizeof *ws);
  if (lat == NULL || ws == NULL) return 2;
  long failed = 0;
  uint64_t wall, cpu;

  if (threads == 1) {
    /* The calling thread does the work: no thread start-up in the figures. */
    struct worker w = {.terminal_id = terminal_id, .calls = calls, .lat_ns = lat};
    void *h = bench_thread_new(shared);
    for (long i = 0; i < warmup; i++)
      if (bench_call(h, terminal_id) != 0) w.failed++;
    uint64_t c0 = cpu_us(), t0 = now_ns(CLOCK_MONOTONIC);
    run_calls(&w, h);
    wall = now_ns(CLOCK_MONOTONIC) - t0;
    cpu = cpu_us() - c0;
    bench_thread_free(h);
    failed = w.failed;
  } else {
    pthread_barrier_t ready;
    pthread_barrier_init(&ready, NULL, (unsigned)threads + 1);
    long offset = 0;
    for (int i = 0; i < threads; i++) {
      ws[i].shared = shared;
      ws[i].terminal_id = terminal_id;
      ws[i].warmup = warmup;
      ws[i].calls = calls / threads + (i < calls % threads);
      ws[i].lat_ns = lat + offset;
      ws[i].ready = &ready;
      offset += ws[i].calls;
      pthread_create(&ws[i].thread, NULL, worker_main, &ws[i]);
    }
    pthread_barrier_wait(&ready);
    uint64_t c0 = cpu_us(), t0 = now_ns(CLOCK_MONOTONIC);
    pthread_barrier_wait(&ready);
    for (int i = 0; i < threads; i++) {
      pthread_join(ws[i].thread, NULL);
      failed += ws[i].failed;
    }
    wall = now_ns(CLOCK_MONOTONIC) - t0;
    cpu = cpu_us() - c0;
    pthread_barrier_destroy(&ready);
  }
  report(mode, threads, calls, failed, wall, lat, cpu);
  free(lat);
  free(ws);
  bench_shared_free(shared);
  return failed != 0;
}

#endif
