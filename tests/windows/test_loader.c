/*
 * What the C# wrapper does on .NET Framework (bindings/csharp/Authsignal.Terminal/Interop/
 * NativeLibraryLoader.cs), as a C program under Wine (tests/windows/run.sh): load
 * runtimes\<rid>\native\authsignal_terminal.dll beside the program by its full path with
 * LoadLibraryExW(LOAD_WITH_ALTERED_SEARCH_PATH), then find it again by its bare name,
 * as the later DllImport does. The other bitness's copy must fail to load (that is why
 * the wrapper picks by the process's architecture).
 *
 * Then, through that module, a ca_file whose path has backslashes and non-ASCII
 * characters: the path comes in as UTF-16 (AS_TEST_CA_FILE_W, read with _wgetenv), is
 * passed as UTF-8 as the header says, and the simulator's certificate must be read from it.
 *
 *   test_loader RID OTHER_RID    e.g. test_loader win-x64 win-x86
 * Needs SIM_BASE_URL and AS_TEST_CA_FILE_W. Prints "ok - NAME" / "not ok - NAME".
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "authsignal_terminal.h"

#define SECRET "tid_SECRET_10adeb11"

static int failed_checks, failed_tests;

#define CHECK(cond)                                                                    \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      failed_checks++;                                                                 \
      printf("#   %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);             \
    }                                                                                  \
  } while (0)

static void report(const char *name) {
  printf("%s - %s\n", failed_checks ? "not ok" : "ok", name);
  failed_tests += failed_checks > 0;
  failed_checks = 0;
}

/* <this program's folder>\runtimes\<rid>\native\authsignal_terminal.dll */
static void library_path(const char *rid, wchar_t *out, size_t size) {
  wchar_t exe[MAX_PATH];
  DWORD n = GetModuleFileNameW(NULL, exe, MAX_PATH);
  wchar_t *slash = wcsrchr(exe, L'\\');
  if (n == 0 || slash == NULL) {
    out[0] = L'\0';
    return;
  }
  *slash = L'\0';
  _snwprintf(out, size, L"%ls\\runtimes\\%hs\\native\\authsignal_terminal.dll", exe, rid);
  out[size - 1] = L'\0';
}

#define FIND(module, name) ((name##_fn)(void (*)(void))GetProcAddress(module, #name))
typedef const char *(*as_version_fn)(void);
typedef as_result (*as_client_options_new_fn)(as_client_options **);
typedef as_result (*as_client_options_set_base_url_fn)(as_client_options *, const char *);
typedef as_result (*as_client_options_set_ca_file_fn)(as_client_options *, const char *);
typedef void (*as_client_options_free_fn)(as_client_options *);
typedef as_result (*as_client_new_fn)(const as_client_options *, as_client **);
typedef void (*as_client_free_fn)(as_client *);
typedef as_result (*as_client_create_payment_session_fn)(const as_client *, const char *, double,
                                                         const char *, const char *,
                                                         as_payment_session **);
typedef void (*as_payment_session_free_fn)(as_payment_session *);
typedef const char *(*as_last_error_message_fn)(void);

int main(int argc, char **argv) {
  const char *base_url = getenv("SIM_BASE_URL");
  const wchar_t *ca_file_w = _wgetenv(L"AS_TEST_CA_FILE_W");
  if (argc != 3 || !base_url || !ca_file_w) {
    fprintf(stderr, "usage: SIM_BASE_URL=... AS_TEST_CA_FILE_W=... test_loader RID OTHER_RID\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *rid = argv[1], *other_rid = argv[2];
  wchar_t path[MAX_PATH], other[MAX_PATH];
  library_path(rid, path, MAX_PATH);
  library_path(other_rid, other, MAX_PATH);

  /* Nothing is loaded yet: the program does not link the library. */
  CHECK(GetModuleHandleW(L"authsignal_terminal.dll") == NULL);
  HMODULE wrong = LoadLibraryExW(other, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
  CHECK(wrong == NULL && GetLastError() == ERROR_BAD_EXE_FORMAT);
  HMODULE module = LoadLibraryExW(path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
  CHECK(module != NULL);
  CHECK(GetModuleHandleW(L"authsignal_terminal.dll") == module);
  HMODULE by_name = LoadLibraryW(L"authsignal_terminal.dll"); /* what DllImport then does */
  CHECK(by_name == module);
  if (by_name) FreeLibrary(by_name);
  if (!module) {
    report("LoadLibraryExW by full path, then found by name");
    return 1;
  }
  as_version_fn version = FIND(module, as_version);
  CHECK(version != NULL && strcmp(version(), AS_VERSION_STRING) == 0);
  report("LoadLibraryExW by full path, then found by name; the other bitness is refused");

  as_client_options_new_fn options_new = FIND(module, as_client_options_new);
  as_client_options_set_base_url_fn set_base_url = FIND(module, as_client_options_set_base_url);
  as_client_options_set_ca_file_fn set_ca_file = FIND(module, as_client_options_set_ca_file);
  as_client_options_free_fn options_free = FIND(module, as_client_options_free);
  as_client_new_fn client_new = FIND(module, as_client_new);
  as_client_free_fn client_free = FIND(module, as_client_free);
  as_client_create_payment_session_fn create = FIND(module, as_client_create_payment_session);
  as_payment_session_free_fn session_free = FIND(module, as_payment_session_free);
  as_last_error_message_fn last_error = FIND(module, as_last_error_message);
  CHECK(options_new && set_base_url && set_ca_file && options_free && client_new &&
        client_free && create && session_free && last_error);
  if (failed_checks) {
    report("GetProcAddress finds the functions by their undecorated names");
    return 1;
  }

  char ca_file[4 * MAX_PATH];
  int n = WideCharToMultiByte(CP_UTF8, 0, ca_file_w, -1, ca_file, sizeof ca_file, NULL, NULL);
  CHECK(n > 0 && strchr(ca_file, '\\') != NULL);
  int non_ascii = 0;
  for (const unsigned char *p = (const unsigned char *)ca_file; *p; p++) non_ascii |= *p >= 0x80;
  CHECK(non_ascii);
  as_client_options *o = NULL;
  as_client *c = NULL;
  as_payment_session *s = NULL;
  CHECK(options_new(&o) == AS_RESULT_OK);
  CHECK(set_base_url(o, base_url) == AS_RESULT_OK);
  CHECK(set_ca_file(o, ca_file) == AS_RESULT_OK);
  CHECK(client_new(o, &c) == AS_RESULT_OK);
  options_free(o);
  as_result r = create(c, SECRET, 5.0, "USD", NULL, &s);
  if (r != AS_RESULT_OK) printf("#   create: %s\n", last_error());
  CHECK(r == AS_RESULT_OK && s != NULL);
  session_free(s);
  client_free(c);
  report("ca_file: a UTF-8 path with backslashes and non-ASCII characters");
  FreeLibrary(module);
  return failed_tests ? 1 : 0;
}
