'use strict';
// @authsignal/terminal: a thin Promise API over libauthsignal_terminal's C ABI. Every rule
// (input checks beyond types, retries, error mapping, secrecy of the terminal id) is the
// native library's; this file converts arguments, runs the blocking calls on worker
// threads (lib/pool.js) and turns results into JS values and Error subclasses.
const util = require('node:util');
const native = require('./native');
const { Pool } = require('./pool');
const errors = require('./errors');
const { TerminalResult, PaymentStatusNumber, RegionNumber, LogLevelNumber, byNumber } = require('./enums');
const { version: BINDING_VERSION } = require('../package.json');

const STATUS_NAMES = byNumber(PaymentStatusNumber, (n) => n.toUpperCase());
const LOG_LEVEL_NAMES = byNumber(LogLevelNumber, (n) => n.toLowerCase());
const REGIONS = Object.fromEntries(Object.entries(RegionNumber).map(([n, v]) => [n.toLowerCase(), v]));
/** PaymentStatus values, as the server spells them. */
const PaymentStatus = Object.freeze(Object.fromEntries(STATUS_NAMES.map((s) => [s, s])));
const UINT32_MAX = 0xffffffff;
const INT64_MAX = (1n << 63n) - 1n;

// ---- the library, loaded once per process ----

let explicitPath = null;
let loaded = null; // { fns, pool }

function setLibraryPath(file) {
  requireString(file, 'file');
  if (loaded && loaded.fns.file !== require('node:path').resolve(file)) {
    throw new Error('the native library is already loaded from another path');
  }
  explicitPath = file;
}

function lib() {
  if (!loaded) {
    const fns = native.loadLibrary(explicitPath);
    loaded = { fns, pool: new Pool(fns.file) };
  }
  return loaded;
}

function libraryVersion() {
  return lib().fns.as_version();
}

// ---- argument checks: types here, values in the library ----

function argError(Class, code, name, what) {
  const e = new Class(`The "${name}" argument ${what}`);
  e.code = code;
  return e;
}

function requireString(value, name) {
  if (typeof value !== 'string') {
    throw argError(TypeError, 'ERR_INVALID_ARG_TYPE', name, `must be a string (got ${describeType(value)})`);
  }
  if (value.includes('\0')) {
    throw argError(TypeError, 'ERR_INVALID_ARG_VALUE', name, 'must not contain a NUL character');
  }
  return value;
}

function optionalString(value, name) {
  return value === undefined || value === null ? null : requireString(value, name);
}

function describeType(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `type ${typeof value}`;
}

function requireObject(value, name) {
  if (value === null || typeof value !== 'object') {
    throw argError(TypeError, 'ERR_INVALID_ARG_TYPE', name, `must be an object (got ${describeType(value)})`);
  }
  return value;
}

function milliseconds(value, name, { min = 0, max = UINT32_MAX, big = false } = {}) {
  if (typeof value === 'bigint' && big) {
    if (value < BigInt(min) || value > BigInt(max)) {
      throw argError(RangeError, 'ERR_OUT_OF_RANGE', name, `must be from ${min} to ${max} (milliseconds)`);
    }
    return value;
  }
  if (typeof value !== 'number') {
    throw argError(TypeError, 'ERR_INVALID_ARG_TYPE', name, `must be a number of milliseconds (got ${describeType(value)})`);
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw argError(RangeError, 'ERR_OUT_OF_RANGE', name, `must be a whole number of milliseconds from ${min} to ${max}`);
  }
  return value;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * A create's amount: a decimal string ("12.50") goes exact, through the minor-unit call,
 * scaled by the library's own table of minor-unit digits; a number goes through the
 * library's float call, which absorbs float noise and refuses more decimal places than the
 * currency has (as Python's float and C's double do).
 */
function createAmount(amount, currency, fns) {
  if (typeof amount === 'number') {
    if (!Number.isFinite(amount) || amount <= 0) {
      throw argError(RangeError, 'ERR_OUT_OF_RANGE', 'amount', 'must be a finite number greater than zero');
    }
    return { amount };
  }
  if (typeof amount !== 'string') {
    throw argError(TypeError, 'ERR_INVALID_ARG_TYPE', 'amount',
      `must be a decimal string such as "12.50" or a number (got ${describeType(amount)}); for minor units use createPaymentSessionMinor`);
  }
  const match = DECIMAL.exec(amount);
  if (!match) {
    throw argError(TypeError, 'ERR_INVALID_ARG_VALUE', 'amount', 'must be a plain decimal string such as "12.50" (digits, at most one ".", no sign or exponent)');
  }
  const exponent = fns.as_currency_exponent(currency);
  if (exponent < 0) {
    throw argError(TypeError, 'ERR_INVALID_ARG_VALUE', 'currency', 'must be an active ISO 4217 code such as "USD"');
  }
  const fraction = (match[2] || '').replace(/0+$/, '');
  if (fraction.length > exponent) {
    throw argError(RangeError, 'ERR_OUT_OF_RANGE', 'amount',
      `has more decimal places than ${currency.toUpperCase()} has (${exponent}); it is refused rather than rounded`);
  }
  const minor = BigInt(match[1] + fraction.padEnd(exponent, '0'));
  if (minor <= 0n) {
    throw argError(RangeError, 'ERR_OUT_OF_RANGE', 'amount', 'must be greater than zero');
  }
  if (minor > INT64_MAX) {
    throw argError(RangeError, 'ERR_OUT_OF_RANGE', 'amount', 'is too large to count in minor units');
  }
  return { amountMinor: minor };
}

function minorAmount(value) {
  let minor;
  if (typeof value === 'bigint') {
    minor = value;
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw argError(RangeError, 'ERR_OUT_OF_RANGE', 'amountMinor', 'must be a whole number (a safe integer; use a bigint beyond 2^53)');
    }
    minor = BigInt(value);
  } else {
    throw argError(TypeError, 'ERR_INVALID_ARG_TYPE', 'amountMinor', `must be a bigint or an integer number (got ${describeType(value)})`);
  }
  if (minor <= 0n) {
    throw argError(RangeError, 'ERR_OUT_OF_RANGE', 'amountMinor', 'must be greater than zero');
  }
  if (minor > INT64_MAX) {
    throw argError(RangeError, 'ERR_OUT_OF_RANGE', 'amountMinor', 'is too large for a 64-bit integer');
  }
  return minor;
}

// ---- results ----

/** A payment session, as the server described it. Holds no terminal id. */
class PaymentSession {
  constructor(raw) {
    /** The session's id (the API's challengeId), to read or wait for it. */
    this.challengeId = raw.challengeId;
    /** "PENDING", "COMPLETED", "EXPIRED", "FAILED", or "UNKNOWN" for a status this version does not know. */
    this.status = STATUS_NAMES[raw.status] || 'UNKNOWN';
    /** The status exactly as the server sent it. */
    this.statusRaw = raw.statusRaw;
    /** The POS reference the server returned, or null. */
    this.reference = raw.reference;
    /** Why the payment journal could not record this session, or null. */
    this.journalError = raw.journalError;
    Object.freeze(this);
  }
}

/** What the payment journal knows about a reference's last create. */
class JournalEntry {
  constructor(raw) {
    this.reference = raw.reference;
    /** The session to wait on, or null when the outcome is unknown. */
    this.challengeId = raw.challengeId;
    /** The last status seen, or null when the outcome is unknown. */
    this.status = raw.statusRaw == null ? null : STATUS_NAMES[raw.status] || 'UNKNOWN';
    this.statusRaw = raw.statusRaw;
    /** True when the terminal may be prompting: check it, then forgetReference(). */
    this.outcomeUnknown = raw.outcomeUnknown;
    /** When the create was started. */
    this.createdAt = new Date(raw.createdAtMs);
    Object.freeze(this);
  }
}

function unwrap(reply) {
  if (reply.error) throw errors.fromLastError(reply.error);
  return reply.value;
}

/** Throws the last error of a call just made on this (the main) thread. */
function check(fns, result) {
  if (result !== 0) throw errors.fromLastError(native.lastError(fns, result));
}

function closedError() {
  const e = new Error('the TerminalClient is closed');
  e.code = 'ERR_AUTHSIGNAL_TERMINAL_CLOSED';
  return e;
}

// ---- the client ----

let openClients = 0;
const finalizer = new FinalizationRegistry((handle) => {
  // A client dropped without close(): no call can be running (each holds the client).
  if (loaded) loaded.fns.as_client_free(handle);
});

class TerminalClient {
  #handle;
  #fns;
  #pool;
  #inFlight = new Set();
  #waits = new Set();
  #closing = null;

  /**
   * Makes a client (synchronously: it reads the CA file and opens the journal, if any).
   * @param {object} [options]
   */
  constructor(options = {}) {
    requireObject(options, 'options');
    const { fns, pool } = lib();
    const o = options;
    // Every type is checked before the first native call.
    let region = null;
    if (o.region !== undefined && o.region !== null) {
      region = REGIONS[typeof o.region === 'string' ? o.region.toLowerCase() : ''];
      if (region === undefined) {
        throw argError(TypeError, 'ERR_INVALID_ARG_VALUE', 'options.region', `must be one of ${Object.keys(REGIONS).map((r) => `"${r}"`).join(', ')}`);
      }
    }
    const baseUrl = optionalString(o.baseUrl, 'options.baseUrl');
    const caFile = optionalString(o.caFile, 'options.caFile');
    const proxy = optionalString(o.proxy, 'options.proxy');
    const suffix = optionalString(o.userAgentSuffix, 'options.userAgentSuffix');
    const journalPath = optionalString(o.journalPath, 'options.journalPath');
    const ms = (name, extra) => (o[name] === undefined || o[name] === null ? null : milliseconds(o[name], `options.${name}`, extra));
    const connectTimeoutMs = ms('connectTimeoutMs');
    const requestTimeoutMs = ms('requestTimeoutMs');
    const pollIntervalMs = ms('pollIntervalMs');
    const journalLifetimeMs = ms('journalLifetimeMs');
    const journalRetentionMs = ms('journalRetentionMs', { max: Number.MAX_SAFE_INTEGER, big: true });
    if (o.useSystemRoots !== undefined && typeof o.useSystemRoots !== 'boolean') {
      throw argError(TypeError, 'ERR_INVALID_ARG_TYPE', 'options.useSystemRoots', 'must be a boolean');
    }
    const token = `authsignal-terminal-node/${BINDING_VERSION}`;

    const out = [0];
    check(fns, fns.as_client_options_new(out));
    const opts = out[0];
    try {
      if (region !== null) check(fns, fns.as_client_options_set_region(opts, region));
      if (baseUrl !== null) check(fns, fns.as_client_options_set_base_url(opts, baseUrl));
      if (connectTimeoutMs !== null) check(fns, fns.as_client_options_set_connect_timeout_ms(opts, connectTimeoutMs));
      if (requestTimeoutMs !== null) check(fns, fns.as_client_options_set_request_timeout_ms(opts, requestTimeoutMs));
      if (pollIntervalMs !== null) check(fns, fns.as_client_options_set_poll_interval_ms(opts, pollIntervalMs));
      if (caFile !== null) check(fns, fns.as_client_options_set_ca_file(opts, caFile));
      if (o.useSystemRoots) check(fns, fns.as_client_options_set_use_system_roots(opts, true));
      if (proxy !== null) check(fns, fns.as_client_options_set_proxy(opts, proxy));
      check(fns, fns.as_client_options_set_user_agent_suffix(opts, suffix ? `${token} ${suffix}` : token));
      if (journalPath !== null) check(fns, fns.as_client_options_set_journal_path(opts, journalPath));
      if (journalLifetimeMs !== null) check(fns, fns.as_client_options_set_journal_lifetime_ms(opts, journalLifetimeMs));
      if (journalRetentionMs !== null) check(fns, fns.as_client_options_set_journal_retention_ms(opts, journalRetentionMs));
      const client = [0];
      check(fns, fns.as_client_new(opts, client));
      this.#handle = client[0];
    } finally {
      fns.as_client_options_free(opts);
    }
    this.#fns = fns;
    this.#pool = pool;
    openClients++;
    finalizer.register(this, this.#handle, this);
  }

  /** This wrapper's version (sent in the User-Agent as authsignal-terminal-node/<version>). */
  static get bindingVersion() {
    return BINDING_VERSION;
  }

  /** The native library's version, "MAJOR.MINOR.PATCH". */
  static get libraryVersion() {
    return libraryVersion();
  }

  /** Runs one job on a worker, keeping the native client alive until it ends. */
  async #run(op, args) {
    if (this.#closing) throw closedError();
    const job = this.#pool.run(op, { client: this.#handle, ...args });
    this.#inFlight.add(job);
    try {
      return unwrap(await job);
    } finally {
      this.#inFlight.delete(job);
    }
  }

  /**
   * Starts a payment of `amount` (a decimal string, exact; or a number) in `currency`.
   * Never sent twice once it may have reached the server.
   */
  async createPaymentSession(request) {
    requireObject(request, 'request');
    const terminalId = requireString(request.terminalId, 'terminalId');
    const currency = requireString(request.currency, 'currency');
    const reference = optionalString(request.reference, 'reference');
    const amount = createAmount(request.amount, currency, this.#fns);
    return new PaymentSession(await this.#run('create', { terminalId, currency, reference, ...amount }));
  }

  /** Starts a payment of exactly `amountMinor` minor units (1250 USD cents is 12.50 USD). */
  async createPaymentSessionMinor(request) {
    requireObject(request, 'request');
    const terminalId = requireString(request.terminalId, 'terminalId');
    const currency = requireString(request.currency, 'currency');
    const reference = optionalString(request.reference, 'reference');
    const amountMinor = minorAmount(request.amountMinor);
    return new PaymentSession(await this.#run('create', { terminalId, currency, reference, amountMinor }));
  }

  /** Reads a payment session: where it stands now. */
  async getPaymentSession(request) {
    requireObject(request, 'request');
    const terminalId = requireString(request.terminalId, 'terminalId');
    const challengeId = requireString(request.challengeId, 'challengeId');
    return new PaymentSession(await this.#run('get', { terminalId, challengeId }));
  }

  /**
   * Reads the session until it leaves PENDING. Rejects with StillPendingError after
   * `timeoutMs`, and with `signal.reason` (an AbortError unless the caller gave another)
   * within 100 ms of `signal` aborting; the terminal's prompt stays until the customer acts.
   */
  async waitPaymentSession(request) {
    requireObject(request, 'request');
    const terminalId = requireString(request.terminalId, 'terminalId');
    const challengeId = requireString(request.challengeId, 'challengeId');
    const timeoutMs = milliseconds(request.timeoutMs, 'timeoutMs');
    const signal = request.signal;
    if (signal !== undefined && signal !== null && !(signal instanceof AbortSignal)) {
      throw argError(TypeError, 'ERR_INVALID_ARG_TYPE', 'signal', 'must be an AbortSignal');
    }
    if (this.#closing) throw closedError();
    if (signal && signal.aborted) throw signal.reason;
    const fns = this.#fns;
    const cancel = fns.as_cancel_token_new();
    if (!cancel) throw new errors.InternalError('the library could not make a cancel token');
    const onAbort = () => fns.as_cancel_token_cancel(cancel);
    this.#waits.add(onAbort);
    if (signal) signal.addEventListener('abort', onAbort, { once: true });
    try {
      return new PaymentSession(await this.#run('wait', { terminalId, challengeId, timeoutMs, cancel }));
    } catch (e) {
      if (e instanceof errors.WaitCancelledError && signal && signal.aborted) throw signal.reason;
      throw e;
    } finally {
      if (signal) signal.removeEventListener('abort', onAbort);
      this.#waits.delete(onAbort);
      // The wait has returned: no thread uses the token any more.
      fns.as_cancel_token_free(cancel);
    }
  }

  /** What the payment journal knows about the last create for `reference`, or null. */
  async findPaymentSession(reference) {
    requireString(reference, 'reference');
    try {
      return new JournalEntry(await this.#run('find', { reference }));
    } catch (e) {
      if (e instanceof errors.NotFoundError) return null;
      throw e;
    }
  }

  /** Forgets `reference` in the journal: the cashier checked that nothing is prompting. */
  async forgetReference(reference) {
    requireString(reference, 'reference');
    await this.#run('forget', { reference });
  }

  /**
   * Diagnoses why payments might fail (what `authsignal-terminal doctor` prints); never
   * creates a payment. Checks the terminal id too when one is given.
   */
  async diagnose(terminalId) {
    const id = optionalString(terminalId, 'terminalId');
    const d = await this.#run('diagnose', { terminalId: id });
    return Object.freeze({ passed: d.passed, text: d.text, report: JSON.parse(d.json) });
  }

  /**
   * Frees the native client and closes its connections. Waits in flight are cancelled
   * (they reject with WaitCancelledError); other calls in flight finish first. Later calls
   * reject with an Error of code ERR_AUTHSIGNAL_TERMINAL_CLOSED; closing again does nothing.
   */
  close() {
    if (!this.#closing) {
      for (const cancel of this.#waits) cancel();
      this.#closing = Promise.allSettled([...this.#inFlight]).then(() => {
        finalizer.unregister(this);
        this.#fns.as_client_free(this.#handle);
        this.#handle = 0;
        openClients--;
        if (openClients === 0) this.#pool.terminateIdle();
      });
    }
    return this.#closing;
  }

  /** `await using client = new TerminalClient(...)` closes it (Node 18.18 / 20.4 and later). */
  async [Symbol.asyncDispose || Symbol.for('nodejs.asyncDispose')]() {
    await this.close();
  }

  [util.inspect.custom]() {
    return `TerminalClient { ${this.#closing ? 'closed' : 'open'} }`;
  }
}

// ---- logging ----

let logCallback = null; // the registered koffi callback in use, if any

/**
 * Sends the library's log lines, up to `level` ("error", "warn", "info", "debug"), to
 * `handler(level, message)` for the whole process; `null` turns logging off. Lines never
 * hold a terminal id in clear. Resolves once the library uses the new handler.
 */
async function setLogHandler(handler, level = 'info') {
  if (handler !== null && typeof handler !== 'function') {
    throw argError(TypeError, 'ERR_INVALID_ARG_TYPE', 'handler', 'must be a function or null');
  }
  const maxLevel = LOG_LEVEL_NAMES.indexOf(level);
  if (maxLevel < 1) {
    throw argError(TypeError, 'ERR_INVALID_ARG_VALUE', 'level', 'must be "error", "warn", "info" or "debug"');
  }
  const { pool } = lib();
  const previous = logCallback;
  let registered = null;
  if (handler) {
    registered = native.koffi.register((_userData, lvl, message) => {
      try {
        handler(LOG_LEVEL_NAMES[lvl] || 'debug', message);
      } catch {
        // A throwing handler must not reach the library.
      }
    }, native.koffi.pointer(native.LogCallback));
  }
  const reply = await pool.run('setLog', { callback: registered ? native.koffi.address(registered) : 0, maxLevel });
  if (reply.error) {
    if (registered) native.koffi.unregister(registered);
    throw errors.fromLastError(reply.error);
  }
  logCallback = registered;
  // as_set_log_callback returned only after the previous callback's calls ended.
  if (previous) native.koffi.unregister(previous);
}

module.exports = {
  TerminalClient,
  PaymentSession,
  JournalEntry,
  PaymentStatus,
  TerminalResult,
  setLogHandler,
  setLibraryPath,
  libraryVersion,
  ...Object.fromEntries(Object.entries(errors).filter(([n]) => n.endsWith('Error'))),
};
