/*
 * The diagnosis through the C ABI, under valgrind (tests/c/run.sh): as_client_diagnose
 * against the simulator over HTTPS with a paired id, an unpaired id and none; the JSON
 * and text it hands out, their lifetime, NULL handling, and no leak across many rounds.
 *
 *   test_diagnose [ROUNDS]   needs SIM_BASE_URL and SIM_CA_FILE (scripts/with-simulator.sh)
 *
 * Prints "ok - NAME" or "not ok - NAME" per test, like test_api.c. Builds with
 * -Wall -Wextra -Wpedantic -Werror as C11 and as C++17.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authsignal_terminal.h"

/* Recognisable, never printed. */
#define SECRET "tid_SECRET_d1a9n0s3"

#include "check.h"

static void report(const char *name, int before) {
  printf("%s - %s\n", failed_checks == before ? "ok" : "not ok", name);
  fflush(stdout);
}

int main(int argc, char **argv) {
  const char *base_url = getenv("SIM_BASE_URL");
  const char *ca_file = getenv("SIM_CA_FILE");
  int rounds = argc > 1 ? atoi(argv[1]) : 20;
  if (!base_url || !ca_file || rounds <= 0) {
    fprintf(stderr, "usage: SIM_BASE_URL=... SIM_CA_FILE=... test_diagnose [ROUNDS]\n");
    return 2;
  }
  as_client_options *o = NULL;
  as_client *c = NULL;
  CHECK_RESULT(as_client_options_new(&o), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_base_url(o, base_url), AS_RESULT_OK);
  CHECK_RESULT(as_client_options_set_ca_file(o, ca_file), AS_RESULT_OK);
  CHECK_RESULT(as_client_new(o, &c), AS_RESULT_OK);
  as_client_options_free(o);

  int before = failed_checks;
  as_diagnosis *d = NULL;
  CHECK_RESULT(as_client_diagnose(c, SECRET "_0001", &d), AS_RESULT_OK);
  CHECK(d != NULL && as_diagnosis_passed(d));
  if (d) {
    const char *json = as_diagnosis_json(d);
    const char *text = as_diagnosis_text(d);
    CHECK(json && strstr(json, "\"passed\": true") && strstr(json, "\"accepted\": true"));
    CHECK(text && strstr(text, "[  ok  ] terminal_id") && strstr(text, "No payment was started."));
    CHECK(!strstr(json, SECRET) && !strstr(text, SECRET));
    CHECK(strstr(text, "…0001") != NULL);
  }
  as_diagnosis_free(d);
  report("a paired terminal id passes every check", before);

  before = failed_checks;
  d = NULL;
  CHECK_RESULT(as_client_diagnose(c, "unpaired_" SECRET, &d), AS_RESULT_OK);
  CHECK(d != NULL && !as_diagnosis_passed(d));
  if (d) {
    CHECK(strstr(as_diagnosis_json(d), "\"accepted\": false") != NULL);
    CHECK(strstr(as_diagnosis_text(d), "[ fail ] terminal_id") != NULL);
    CHECK(!strstr(as_diagnosis_json(d), SECRET) && !strstr(as_diagnosis_text(d), SECRET));
  }
  as_diagnosis_free(d);
  d = NULL;
  CHECK_RESULT(as_client_diagnose(c, NULL, &d), AS_RESULT_OK);
  CHECK(d != NULL && as_diagnosis_passed(d));
  CHECK(d && strstr(as_diagnosis_text(d), "[skipped] terminal_id") != NULL);
  as_diagnosis_free(d);
  report("an unpaired id fails; no id skips that check", before);

  before = failed_checks;
  d = (as_diagnosis *)&c;
  CHECK_RESULT(as_client_diagnose(NULL, SECRET, &d), AS_RESULT_INVALID_ARGUMENT);
  CHECK(d == NULL);
  CHECK_RESULT(as_client_diagnose(c, SECRET, NULL), AS_RESULT_INVALID_ARGUMENT);
  CHECK(as_diagnosis_json(NULL) == NULL && as_diagnosis_text(NULL) == NULL);
  CHECK(!as_diagnosis_passed(NULL));
  as_diagnosis_free(NULL);
  report("NULL is refused or ignored", before);

  before = failed_checks;
  for (int i = 0; i < rounds; i++) {
    d = NULL;
    CHECK_RESULT(as_client_diagnose(c, (i % 2) ? SECRET "_0002" : NULL, &d), AS_RESULT_OK);
    as_diagnosis_free(d);
  }
  report("diagnosis rounds free everything", before);

  as_client_free(c);
  return failed_checks == 0 ? 0 : 1;
}
