'use strict';
// Cancelling a wait with an AbortSignal (the library's cancel token underneath).
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { at, makeTid, simClient } = require('./helpers');

const client = simClient();
after(() => client.close());

async function pending() {
  const tid = makeTid({ outcome: 'PENDING' });
  const s = await client.createPaymentSession({ terminalId: tid, amount: '3.00', currency: 'USD' });
  return { terminalId: tid, challengeId: s.challengeId, timeoutMs: 60000 };
}

test('an abort during a wait ends it within moments, rejecting with signal.reason', async () => {
  const request = await pending();
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 300);
  const started = Date.now();
  await assert.rejects(client.waitPaymentSession({ ...request, signal: controller.signal }), (e) => {
    assert.equal(e, controller.signal.reason);
    assert.equal(e.name, 'AbortError');
    return true;
  });
  const took = Date.now() - started;
  assert.ok(took >= 250 && took < 1500, `the wait ended ${took} ms after it started`);
});

test('the caller\'s own abort reason comes back', async () => {
  const request = await pending();
  const controller = new AbortController();
  const reason = new Error('the cashier pressed cancel');
  setTimeout(() => controller.abort(reason), 100);
  await assert.rejects(client.waitPaymentSession({ ...request, signal: controller.signal }), (e) => e === reason);
});

test('AbortSignal.timeout works as a deadline', async () => {
  const request = await pending();
  await assert.rejects(client.waitPaymentSession({ ...request, signal: AbortSignal.timeout(200) }), (e) => e.name === 'TimeoutError');
});

test('an already aborted signal rejects at once without a request', async () => {
  const request = await pending();
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(client.waitPaymentSession({ ...request, signal: controller.signal }), (e) => e.name === 'AbortError');
});

test('aborting one wait leaves the others running', async () => {
  const a = await pending();
  const tid = makeTid({ after: 700 });
  const s = await client.createPaymentSession({ terminalId: tid, amount: '1', currency: 'USD' });
  const controller = new AbortController();
  const cancelled = client.waitPaymentSession({ ...a, signal: controller.signal });
  const other = client.waitPaymentSession({ terminalId: tid, challengeId: s.challengeId, timeoutMs: 10000 });
  controller.abort();
  await assert.rejects(cancelled, (e) => e.name === 'AbortError');
  assert.equal((await other).status, 'COMPLETED');
});

test('a signal aborted after the wait ended does nothing', async () => {
  const tid = makeTid({ polls: 0 });
  const s = await client.createPaymentSession({ terminalId: tid, amount: '1', currency: 'USD' });
  const controller = new AbortController();
  const done = await client.waitPaymentSession({ terminalId: tid, challengeId: s.challengeId, timeoutMs: 5000, signal: controller.signal });
  assert.equal(done.status, 'COMPLETED');
  controller.abort();
});

test('close() cancels the waits in flight (WaitCancelledError)', async () => {
  const own = await (async () => {
    const c = new at.TerminalClient({ baseUrl: process.env.SIM_BASE_URL, caFile: process.env.SIM_CA_FILE, pollIntervalMs: 100 });
    const tid = makeTid({ outcome: 'PENDING' });
    const s = await c.createPaymentSession({ terminalId: tid, amount: '1', currency: 'USD' });
    return { c, wait: c.waitPaymentSession({ terminalId: tid, challengeId: s.challengeId, timeoutMs: 60000 }) };
  })();
  await new Promise((r) => setTimeout(r, 150));
  const started = Date.now();
  const closing = own.c.close();
  await assert.rejects(own.wait, (e) => e instanceof at.WaitCancelledError && e.result === at.TerminalResult.Cancelled);
  await closing;
  assert.ok(Date.now() - started < 1500);
});
