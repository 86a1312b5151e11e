/* c-libcurl-checked: a careful libcurl client from C (the bench's baseline until the lean
 * one, bench_curl.c, replaced it): one easy handle per thread, reused for every
 * call (so its connection is kept alive), sending what this library sends: the same
 * URL, headers (x-authsignal-terminal, content-type, accept, user-agent,
 * X-Authsignal-Version), JSON body, CA file, timeouts, 64 KiB answer cap, no redirects.
 * Each answer is copied into a buffer and checked for HTTP 200, a challengeId and PENDING. */
#include "bench_common.h"

#include <curl/curl.h>

/* Only for AS_VERSION_STRING, so the headers carry the same version. */
#include "authsignal_terminal.h"

#define MAX_BODY (64 * 1024)

static const char *bench_name(void) { return "c-libcurl-checked"; }

struct shared {
  char url[1024];
  const char *ca_file;
};

struct handle {
  CURL *curl;
  struct shared *shared;
  struct curl_slist *headers;
  const char *terminal_id; /* the id the header list was built for */
  char body[MAX_BODY + 1];
  size_t len;
  int too_large;
};

static size_t on_data(char *data, size_t size, size_t n, void *user) {
  struct handle *h = user;
  size_t bytes = size * n;
  if (h->len + bytes > MAX_BODY) {
    h->too_large = 1;
    return 0; /* aborts the transfer */
  }
  memcpy(h->body + h->len, data, bytes);
  h->len += bytes;
  return bytes;
}

static void *bench_shared_new(const char *base_url, const char *ca_file) {
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) exit(2);
  struct shared *s = calloc(1, sizeof *s);
  if (s == NULL) exit(2);
  snprintf(s->url, sizeof s->url, "%s/terminal/payment-session", base_url);
  s->ca_file = ca_file;
  return s;
}

static void *bench_thread_new(void *shared) {
  struct handle *h = calloc(1, sizeof *h);
  if (h == NULL || (h->curl = curl_easy_init()) == NULL) exit(2);
  h->shared = shared;
  CURL *c = h->curl;
  curl_easy_setopt(c, CURLOPT_URL, h->shared->url);
  curl_easy_setopt(c, CURLOPT_CAINFO, h->shared->ca_file);
  curl_easy_setopt(c, CURLOPT_USERAGENT,
                   "authsignal-terminal/" AS_VERSION_STRING " (linux; x86_64)");
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, BENCH_BODY);
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(BENCH_BODY));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
  return h;
}

static int bench_call(void *handle, const char *terminal_id) {
  struct handle *h = handle;
  if (h->terminal_id != terminal_id) {
    /* As a POS would: the header list is built once per terminal id, not per call. */
    char header[512];
    snprintf(header, sizeof header, "x-authsignal-terminal: %s", terminal_id);
    curl_slist_free_all(h->headers);
    h->headers = curl_slist_append(NULL, header);
    h->headers = curl_slist_append(h->headers, "X-Authsignal-Version: " AS_VERSION_STRING);
    h->headers = curl_slist_append(h->headers, "content-type: application/json");
    h->headers = curl_slist_append(h->headers, "accept: application/json");
    curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, h->headers);
    h->terminal_id = terminal_id;
  }
  h->len = 0;
  h->too_large = 0;
  CURLcode rc = curl_easy_perform(h->curl);
  long status = 0;
  curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
  if (rc != CURLE_OK || status != 200 || h->too_large) {
    fprintf(stderr, "curl: %s, HTTP %ld\n", curl_easy_strerror(rc), status);
    return 1;
  }
  h->body[h->len] = '\0';
  return strstr(h->body, "\"challengeId\"") == NULL || strstr(h->body, "\"PENDING\"") == NULL;
}

static void bench_thread_free(void *handle) {
  struct handle *h = handle;
  curl_easy_cleanup(h->curl);
  curl_slist_free_all(h->headers);
  free(h);
}

static void bench_shared_free(void *shared) {
  free(shared);
  curl_global_cleanup();
}
