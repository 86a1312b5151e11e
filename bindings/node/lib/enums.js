'use strict';
// Copies of the header's enums (include/authsignal_terminal.h), by their C# names and
// numbers; tests/enum_copies.rs checks them against the header.

/** as_result */
const TerminalResult = Object.freeze({
  Ok: 0,
  InvalidArgument: 1,
  Unauthorized: 2,
  InvalidRequest: 3,
  NotFound: 4,
  RateLimited: 5,
  ServerError: 6,
  Timeout: 7,
  Network: 8,
  Tls: 9,
  Protocol: 10,
  Cancelled: 11,
  StillPending: 12,
  Internal: 13,
  DuplicateReference: 14,
  Journal: 15,
});

/** as_payment_status (the wrapper hands out the names in upper case: "PENDING", ...) */
const PaymentStatusNumber = Object.freeze({
  Unknown: 0,
  Pending: 1,
  Completed: 2,
  Expired: 3,
  Failed: 4,
});

/** as_region (the wrapper takes the names in lower case: "us", ...) */
const RegionNumber = Object.freeze({
  Us: 0,
  Au: 1,
  Eu: 2,
  Ca: 3,
});

/** as_log_level (the log handler gets the names in lower case: "error", ...) */
const LogLevelNumber = Object.freeze({
  Error: 1,
  Warn: 2,
  Info: 3,
  Debug: 4,
});

function byNumber(numbers, transform) {
  const out = [];
  for (const [name, n] of Object.entries(numbers)) out[n] = transform(name);
  return out;
}

module.exports = { TerminalResult, PaymentStatusNumber, RegionNumber, LogLevelNumber, byNumber };
