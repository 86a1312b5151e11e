/*
 * The checks of the C test programs in tests/c/: each failed check is counted in
 * failed_checks and printed as a "#" comment line. Define SECRET (the test's terminal id)
 * before including it: CHECK_RESULT also checks that a failure's message never holds it.
 */
#ifndef AUTHSIGNAL_TERMINAL_TEST_CHECK_H
#define AUTHSIGNAL_TERMINAL_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

#include "authsignal_terminal.h"

static int failed_checks;

#define CHECK(cond)                                                                     \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      failed_checks++;                                                                  \
      fprintf(stdout, "#   %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);      \
    }                                                                                   \
  } while (0)

/* The result, and that the last error agrees with it. */
#define CHECK_RESULT(call, expected)                                                    \
  do {                                                                                  \
    as_result got_ = (call);                                                            \
    if (got_ != (expected)) {                                                           \
      failed_checks++;                                                                  \
      fprintf(stdout, "#   %s:%d: %s gave %s, expected %s: %s\n", __FILE__, __LINE__,  \
              #call, as_result_name((unsigned int)got_),                                \
              as_result_name((unsigned int)(expected)), as_last_error_message());       \
    }                                                                                   \
    if ((expected) == AS_RESULT_OK) {                                                   \
      CHECK(as_last_error_message()[0] == '\0');                                        \
    } else {                                                                            \
      CHECK(as_last_error_message()[0] != '\0');                                        \
      CHECK(strstr(as_last_error_message(), SECRET) == NULL);                          \
    }                                                                                   \
  } while (0)

#endif
