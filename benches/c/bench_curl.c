/* c-libcurl, the baseline: the leanest libcurl client one can write for this request
 * (issue 20). One easy handle per thread, reused for every call (its connection is kept
 * alive); URL, headers, CA and CURLOPT_POSTFIELDS set once; the answer body discarded by a
 * write callback that only returns its size; no JSON parsing and no look at the body. The
 * one check per call is the HTTP status from curl_easy_getinfo(CURLINFO_RESPONSE_CODE),
 * which reads a field libcurl already parsed (a few dozen instructions).
 *
 * "Set once" as strongly as libcurl allows: the URL is parsed once into a CURLU handle
 * (CURLOPT_CURLU; with CURLOPT_URL libcurl parses the string again on every perform,
 * about 13,000 instructions per call with libcurl 7.88), and the User-Agent travels in the
 * header list (CURLOPT_USERAGENT is formatted into a header on every perform, about 2,700
 * more). Forcing HTTP/1.1 changes nothing measurable (the servers offer no h2).
 *
 * No timeouts, redirect or TLS-version options (the defaults); CURLOPT_NOSIGNAL so that
 * libcurl neither installs a SIGPIPE handler around each transfer nor uses signals
 * (required with threads). With BENCH_SYSTEM_ROOTS=1 (ca_file NULL) CURLOPT_CAINFO is
 * SSL_CERT_FILE when set: Debian's libcurl does not read SSL_CERT_FILE itself, it loads its
 * compiled-in bundle /etc/ssl/certs/ca-certificates.crt, so the bench points it at the
 * same bundle plus the test CA (the same work as its default). The carefully checking
 * client is bench_curl_checked.c (c-libcurl-checked). */
#include "bench_common.h"

#include <curl/curl.h>

/* Only for AS_VERSION_STRING, so the headers carry the same version. */
#include "authsignal_terminal.h"

static const char *bench_name(void) { return "c-libcurl"; }

struct shared {
  char url[1024];
  const char *ca_file;
};

struct handle {
  CURL *curl;
  CURLU *url;
  struct curl_slist *headers;
};

static size_t discard(char *data, size_t size, size_t n, void *user) {
  (void)data;
  (void)user;
  return size * n;
}

static void *bench_shared_new(const char *base_url, const char *ca_file) {
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) exit(2);
  struct shared *s = calloc(1, sizeof *s);
  if (s == NULL) exit(2);
  snprintf(s->url, sizeof s->url, "%s/terminal/payment-session", base_url);
  s->ca_file = ca_file != NULL ? ca_file : getenv("SSL_CERT_FILE");
  return s;
}

static void *bench_thread_new(void *shared) {
  struct shared *s = shared;
  struct handle *h = calloc(1, sizeof *h);
  if (h == NULL || (h->curl = curl_easy_init()) == NULL || (h->url = curl_url()) == NULL) exit(2);
  if (curl_url_set(h->url, CURLUPART_URL, s->url, 0) != CURLUE_OK) {
    fprintf(stderr, "curl: bad URL\n");
    exit(2);
  }
  CURL *c = h->curl;
  curl_easy_setopt(c, CURLOPT_CURLU, h->url);
  if (s->ca_file != NULL) curl_easy_setopt(c, CURLOPT_CAINFO, s->ca_file);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, BENCH_BODY);
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(BENCH_BODY));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  return h;
}

static int bench_call(void *handle, const char *terminal_id) {
  struct handle *h = handle;
  if (h->headers == NULL) {
    /* Once, on the first call (the driver passes the terminal id with each call). */
    char header[512];
    snprintf(header, sizeof header, "x-authsignal-terminal: %s", terminal_id);
    h->headers = curl_slist_append(NULL, header);
    h->headers = curl_slist_append(h->headers, "X-Authsignal-Version: " AS_VERSION_STRING);
    h->headers = curl_slist_append(h->headers, "content-type: application/json");
    h->headers = curl_slist_append(h->headers, "accept: application/json");
    h->headers = curl_slist_append(h->headers,
                                   "user-agent: authsignal-terminal/" AS_VERSION_STRING " (linux; x86_64)");
    curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, h->headers);
  }
  CURLcode rc = curl_easy_perform(h->curl);
  long status = 0;
  curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
  if (rc != CURLE_OK || status != 200) {
    fprintf(stderr, "curl: %s, HTTP %ld\n", curl_easy_strerror(rc), status);
    return 1;
  }
  return 0;
}

static void bench_thread_free(void *handle) {
  struct handle *h = handle;
  curl_easy_cleanup(h->curl);
  curl_url_cleanup(h->url);
  curl_slist_free_all(h->headers);
  free(h);
}

static void bench_shared_free(void *shared) {
  free(shared);
  curl_global_cleanup();
}
