/*
 * A fresh temporary folder for a test, and removing it: mkdtemp where POSIX has it; on
 * Windows (MinGW has no mkdtemp) a folder named after the process under %TEMP%.
 * Used by tests/c/test_api.c and tests/cpp/test_wrapper.cpp.
 */
#ifndef AUTHSIGNAL_TERMINAL_TEST_TEMPDIR_H
#define AUTHSIGNAL_TERMINAL_TEST_TEMPDIR_H

#include <stdio.h>
#include <stdlib.h>

#ifdef _WIN32
#include <direct.h>
#include <process.h>

static char *test_temp_dir(char *buf, size_t size, const char *name) {
  static unsigned counter;
  const char *tmp = getenv("TEMP");
  snprintf(buf, size, "%s\\%s-%d-%u", tmp ? tmp : ".", name, _getpid(), counter++);
  return _mkdir(buf) == 0 ? buf : NULL;
}

static int test_remove_dir(const char *dir) { return _rmdir(dir); }
#else
#include <unistd.h>

static char *test_temp_dir(char *buf, size_t size, const char *name) {
  snprintf(buf, size, "/tmp/%s-XXXXXX", name);
  return mkdtemp(buf);
}

static int test_remove_dir(const char *dir) { return rmdir(dir); }
#endif

#endif
