'use strict';
// One Error subclass per failure result of the C ABI, each carrying what the library's
// last error said. Messages are the library's, which never hold a terminal id in clear.
const { TerminalResult } = require('./enums');

class AuthsignalTerminalError extends Error {
  /**
   * @param {string} message
   * @param {{result?: number, httpStatus?: number, serverCode?: string|null, outcomeUnknown?: boolean, cause?: unknown}} [fields]
   */
  constructor(message, fields = {}) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = new.target.name;
    /** Which failure: a TerminalResult number. */
    this.result = fields.result === undefined ? TerminalResult.Internal : fields.result;
    /** The HTTP status behind the failure; 0 when no HTTP answer was involved. */
    this.httpStatus = fields.httpStatus || 0;
    /** The server's error code (e.g. "unauthorized"), or null. */
    this.serverCode = fields.serverCode == null ? null : fields.serverCode;
    /** True when a failed create may still have started a payment: check the terminal. */
    this.outcomeUnknown = Boolean(fields.outcomeUnknown);
  }
}

class InvalidArgumentError extends AuthsignalTerminalError {}
class UnauthorizedError extends AuthsignalTerminalError {}
class InvalidRequestError extends AuthsignalTerminalError {}
class NotFoundError extends AuthsignalTerminalError {}
class RateLimitedError extends AuthsignalTerminalError {}
class ServerError extends AuthsignalTerminalError {}
class TerminalTimeoutError extends AuthsignalTerminalError {}
class NetworkError extends AuthsignalTerminalError {}
class TlsError extends AuthsignalTerminalError {}
class ProtocolError extends AuthsignalTerminalError {}
class WaitCancelledError extends AuthsignalTerminalError {}
class StillPendingError extends AuthsignalTerminalError {}
class InternalError extends AuthsignalTerminalError {}
class DuplicateReferenceError extends AuthsignalTerminalError {}
class JournalError extends AuthsignalTerminalError {}

/** The class for each failure result; every one but Ok has one. */
const ERROR_CLASSES = {
  1: InvalidArgumentError,
  2: UnauthorizedError,
  3: InvalidRequestError,
  4: NotFoundError,
  5: RateLimitedError,
  6: ServerError,
  7: TerminalTimeoutError,
  8: NetworkError,
  9: TlsError,
  10: ProtocolError,
  11: WaitCancelledError,
  12: StillPendingError,
  13: InternalError,
  14: DuplicateReferenceError,
  15: JournalError,
};

/** The error for a last error read right after a failed call (native.lastError). */
function fromLastError(e) {
  const Class = ERROR_CLASSES[e.result] || AuthsignalTerminalError;
  const message = e.message || `the library gave ${e.resultName}`;
  return new Class(message, e);
}

module.exports = {
  AuthsignalTerminalError,
  InvalidArgumentError,
  UnauthorizedError,
  InvalidRequestError,
  NotFoundError,
  RateLimitedError,
  ServerError,
  TerminalTimeoutError,
  NetworkError,
  TlsError,
  ProtocolError,
  WaitCancelledError,
  StillPendingError,
  InternalError,
  DuplicateReferenceError,
  JournalError,
  ERROR_CLASSES,
  fromLastError,
};
