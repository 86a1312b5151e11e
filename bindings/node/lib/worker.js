'use strict';
// A worker thread of the pool (lib/pool.js). Each job is one blocking call of the C ABI,
// made synchronously on this thread, followed on the same thread by whatever must be read
// before the next call: the thread-local last error after a failure, or the getters of the
// object the call handed over, which is then freed here. Only plain values go back.
const { parentPort, workerData } = require('node:worker_threads');
const { open, lastError } = require('./native');

const fns = open(workerData.file);

function fail(result) {
  return { error: lastError(fns, result) };
}

function readSession(s) {
  try {
    return {
      challengeId: fns.as_payment_session_challenge_id(s),
      status: fns.as_payment_session_status(s),
      statusRaw: fns.as_payment_session_status_str(s),
      reference: fns.as_payment_session_reference(s),
      journalError: fns.as_payment_session_journal_error(s),
    };
  } finally {
    fns.as_payment_session_free(s);
  }
}

function sessionCall(result, out) {
  if (result !== 0) {
    fns.as_payment_session_free(out[0] || 0);
    return fail(result);
  }
  return { value: readSession(out[0]) };
}

const JOBS = {
  create(a) {
    const out = [0];
    const result =
      a.amountMinor !== undefined
        ? fns.as_client_create_payment_session_minor(a.client, a.terminalId, a.amountMinor, a.currency, a.reference, out)
        : fns.as_client_create_payment_session(a.client, a.terminalId, a.amount, a.currency, a.reference, out);
    return sessionCall(result, out);
  },
  get(a) {
    const out = [0];
    return sessionCall(fns.as_client_get_payment_session(a.client, a.terminalId, a.challengeId, out), out);
  },
  wait(a) {
    const out = [0];
    return sessionCall(
      fns.as_client_wait_payment_session(a.client, a.terminalId, a.challengeId, a.timeoutMs, a.cancel, out),
      out,
    );
  },
  find(a) {
    const out = [0];
    const result = fns.as_client_find_payment_session(a.client, a.reference, out);
    if (result !== 0) {
      fns.as_journal_entry_free(out[0] || 0);
      return fail(result);
    }
    const e = out[0];
    try {
      return {
        value: {
          reference: fns.as_journal_entry_reference(e),
          challengeId: fns.as_journal_entry_challenge_id(e),
          status: fns.as_journal_entry_status(e),
          statusRaw: fns.as_journal_entry_status_str(e),
          outcomeUnknown: fns.as_journal_entry_outcome_unknown(e),
          createdAtMs: Number(fns.as_journal_entry_created_at_ms(e)),
        },
      };
    } finally {
      fns.as_journal_entry_free(e);
    }
  },
  forget(a) {
    const result = fns.as_client_forget_reference(a.client, a.reference);
    return result === 0 ? { value: null } : fail(result);
  },
  diagnose(a) {
    const out = [0];
    const result = fns.as_client_diagnose(a.client, a.terminalId, out);
    if (result !== 0) {
      fns.as_diagnosis_free(out[0] || 0);
      return fail(result);
    }
    const d = out[0];
    try {
      return {
        value: {
          passed: fns.as_diagnosis_passed(d),
          text: fns.as_diagnosis_text(d),
          json: fns.as_diagnosis_json(d),
        },
      };
    } finally {
      fns.as_diagnosis_free(d);
    }
  },
  // Set from a worker, never from the main thread: as_set_log_callback waits for the
  // previous callback's calls in flight, which themselves wait for the main thread.
  setLog(a) {
    const result = fns.as_set_log_callback(a.callback, 0, a.maxLevel);
    return result === 0 ? { value: null } : fail(result);
  },
};

parentPort.on('message', ({ id, op, args }) => {
  let reply;
  try {
    reply = JOBS[op](args);
  } catch (e) {
    reply = { crash: String((e && e.message) || e) };
  }
  parentPort.postMessage({ id, ...reply });
});
