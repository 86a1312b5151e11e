'use strict';
// The C ABI (include/authsignal_terminal.h) as koffi declarations, loaded the same way on
// the main thread and in the worker threads that make the blocking calls (lib/pool.js).
// Handles are declared as uintptr_t so that a worker can use a pointer made on another
// thread; every one is freed with its matching _free by the code that received it.
const fs = require('node:fs');
const path = require('node:path');
const koffi = require('koffi');

const FILE_NAMES = {
  linux: 'libauthsignal_terminal.so',
  win32: 'authsignal_terminal.dll',
  darwin: 'libauthsignal_terminal.dylib',
};

/** The environment variable naming the library file to load instead of the prebuilt one. */
const LIBRARY_ENV = 'AUTHSIGNAL_TERMINAL_LIBRARY';

function fileName() {
  return FILE_NAMES[process.platform] || 'libauthsignal_terminal.so';
}

/**
 * Where the library is looked for. A path given by setLibraryPath() or, failing that, by
 * the environment variable is the only one tried. Otherwise: the package's
 * prebuilds/<platform>-<arch>/, then the bare file name through the system loader
 * (LD_LIBRARY_PATH, the ld.so cache after `make install`; PATH on Windows).
 */
function candidates(explicit) {
  if (explicit) return [path.resolve(explicit)];
  const fromEnv = process.env[LIBRARY_ENV];
  if (fromEnv) return [path.resolve(fromEnv)];
  return [path.join(__dirname, '..', 'prebuilds', `${process.platform}-${process.arch}`, fileName()), fileName()];
}

/** Loads the first candidate that loads; throws an Error naming every path tried. */
function loadLibrary(explicit) {
  const tried = candidates(explicit);
  const why = [];
  for (const file of tried) {
    if (path.isAbsolute(file) && !fs.existsSync(file)) {
      why.push(`${file} (no such file)`);
      continue;
    }
    try {
      return open(file);
    } catch (e) {
      why.push(`${file} (${String((e && e.message) || e).split('\n')[0]})`);
    }
  }
  const source = explicit ? 'the path given to setLibraryPath()' : process.env[LIBRARY_ENV] ? `${LIBRARY_ENV}` : null;
  const error = new Error(
    `cannot load the native library ${fileName()} for ${process.platform}-${process.arch}` +
      (source ? ` from ${source}` : '') +
      `; tried: ${why.join('; ')}` +
      (source ? '' : ` (set ${LIBRARY_ENV} or call setLibraryPath() to name the file)`),
  );
  error.code = 'ERR_AUTHSIGNAL_TERMINAL_LIBRARY_NOT_FOUND';
  error.tried = tried;
  throw error;
}

const LogCallback = koffi.proto('void as_log_callback(void *user_data, uint32_t level, const char *message)');

const DECLARATIONS = [
  'uintptr_t as_cancel_token_new()',
  'void as_cancel_token_cancel(uintptr_t t)',
  'void as_cancel_token_free(uintptr_t t)',
  'uint32_t as_client_new(uintptr_t options, _Out_ uintptr_t *out)',
  'uint32_t as_client_create_payment_session(uintptr_t c, const char *terminal_id, double amount, const char *currency, const char *reference, _Out_ uintptr_t *out)',
  'uint32_t as_client_create_payment_session_minor(uintptr_t c, const char *terminal_id, int64_t amount_minor, const char *currency, const char *reference, _Out_ uintptr_t *out)',
  'uint32_t as_client_get_payment_session(uintptr_t c, const char *terminal_id, const char *challenge_id, _Out_ uintptr_t *out)',
  'uint32_t as_client_wait_payment_session(uintptr_t c, const char *terminal_id, const char *challenge_id, uint32_t timeout_ms, uintptr_t cancel, _Out_ uintptr_t *out)',
  'void as_client_free(uintptr_t c)',
  'uint32_t as_client_options_new(_Out_ uintptr_t *out)',
  'uint32_t as_client_options_set_region(uintptr_t o, unsigned int region)',
  'uint32_t as_client_options_set_base_url(uintptr_t o, const char *base_url)',
  'uint32_t as_client_options_set_connect_timeout_ms(uintptr_t o, uint32_t ms)',
  'uint32_t as_client_options_set_request_timeout_ms(uintptr_t o, uint32_t ms)',
  'uint32_t as_client_options_set_poll_interval_ms(uintptr_t o, uint32_t ms)',
  'uint32_t as_client_options_set_ca_file(uintptr_t o, const char *pem_path)',
  'uint32_t as_client_options_set_use_system_roots(uintptr_t o, bool enabled)',
  'uint32_t as_client_options_set_proxy(uintptr_t o, const char *proxy_url)',
  'uint32_t as_client_options_set_user_agent_suffix(uintptr_t o, const char *suffix)',
  'uint32_t as_client_options_set_journal_path(uintptr_t o, const char *path)',
  'uint32_t as_client_options_set_journal_lifetime_ms(uintptr_t o, uint32_t ms)',
  'uint32_t as_client_options_set_journal_retention_ms(uintptr_t o, uint64_t ms)',
  'void as_client_options_free(uintptr_t o)',
  'int as_currency_exponent(const char *currency)',
  'uint32_t as_client_diagnose(uintptr_t c, const char *terminal_id, _Out_ uintptr_t *out)',
  'const char *as_diagnosis_json(uintptr_t d)',
  'const char *as_diagnosis_text(uintptr_t d)',
  'bool as_diagnosis_passed(uintptr_t d)',
  'void as_diagnosis_free(uintptr_t d)',
  'const char *as_last_error_message()',
  'int as_last_error_http_status()',
  'const char *as_last_error_server_code()',
  'bool as_last_error_outcome_unknown()',
  'const char *as_result_name(unsigned int result)',
  'const char *as_version()',
  'uint32_t as_client_find_payment_session(uintptr_t c, const char *reference, _Out_ uintptr_t *out)',
  'uint32_t as_client_forget_reference(uintptr_t c, const char *reference)',
  'const char *as_journal_entry_reference(uintptr_t e)',
  'const char *as_journal_entry_challenge_id(uintptr_t e)',
  'uint32_t as_journal_entry_status(uintptr_t e)',
  'const char *as_journal_entry_status_str(uintptr_t e)',
  'bool as_journal_entry_outcome_unknown(uintptr_t e)',
  'int64_t as_journal_entry_created_at_ms(uintptr_t e)',
  'void as_journal_entry_free(uintptr_t e)',
  // The callback is passed as an address (koffi.address of a registered callback) so
  // that a worker thread can set the one a main thread registered.
  'uint32_t as_set_log_callback(uintptr_t callback, uintptr_t user_data, unsigned int max_level)',
  'const char *as_payment_session_challenge_id(uintptr_t s)',
  'uint32_t as_payment_session_status(uintptr_t s)',
  'const char *as_payment_session_status_str(uintptr_t s)',
  'const char *as_payment_session_reference(uintptr_t s)',
  'const char *as_payment_session_journal_error(uintptr_t s)',
  'void as_payment_session_free(uintptr_t s)',
];

/** Loads the library file and declares every function of the header. */
function open(file) {
  const lib = koffi.load(file);
  const fns = { file };
  for (const declaration of DECLARATIONS) {
    const name = /\b(as_[a-z_]+)\(/.exec(declaration)[1];
    fns[name] = lib.func(declaration);
  }
  return fns;
}

/**
 * The calling thread's last error, read right after the failed call on the same thread
 * (the last error is thread-local).
 */
function lastError(fns, result) {
  return {
    result,
    resultName: fns.as_result_name(result),
    message: fns.as_last_error_message(),
    httpStatus: fns.as_last_error_http_status(),
    serverCode: fns.as_last_error_server_code(),
    outcomeUnknown: fns.as_last_error_outcome_unknown(),
  };
}

module.exports = { koffi, LIBRARY_ENV, LogCallback, candidates, loadLibrary, open, lastError };
