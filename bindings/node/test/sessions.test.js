'use strict';
// Create, get and wait against the simulator: statuses, references, the event loop.
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { at, makeTid, simClient, simStats } = require('./helpers');

const client = simClient();
after(() => client.close());

for (const outcome of ['COMPLETED', 'FAILED', 'EXPIRED']) {
  test(`a wait ends with the session ${outcome}`, async () => {
    const tid = makeTid({ outcome, polls: 2 });
    const created = await client.createPaymentSession({ terminalId: tid, amount: '12.50', currency: 'USD' });
    assert.equal(created.status, at.PaymentStatus.PENDING);
    assert.equal(created.statusRaw, 'PENDING');
    assert.match(created.challengeId, /^[A-Za-z0-9_-]+$/);
    assert.equal(created.reference, null);
    assert.equal(created.journalError, null);
    const done = await client.waitPaymentSession({ terminalId: tid, challengeId: created.challengeId, timeoutMs: 10000 });
    assert.equal(done.status, outcome);
    assert.equal(done.statusRaw, outcome);
    assert.equal(done.challengeId, created.challengeId);
  });
}

test('a status this version does not know is UNKNOWN, with the raw status kept', async () => {
  const tid = makeTid({ outcome: 'REFUNDED', polls: 0 });
  const created = await client.createPaymentSession({ terminalId: tid, amount: 5, currency: 'USD' });
  const done = await client.waitPaymentSession({ terminalId: tid, challengeId: created.challengeId, timeoutMs: 10000 });
  assert.equal(done.status, 'UNKNOWN');
  assert.equal(done.statusRaw, 'REFUNDED');
});

test('get reads where the session stands; the reference comes back', async () => {
  const tid = makeTid({ polls: 5 });
  const created = await client.createPaymentSessionMinor({ terminalId: tid, amountMinor: 999n, currency: 'USD', reference: 'order-7' });
  assert.equal(created.reference, 'order-7');
  const read = await client.getPaymentSession({ terminalId: tid, challengeId: created.challengeId });
  assert.equal(read.status, 'PENDING');
  assert.equal(read.reference, 'order-7');
  assert.deepEqual(await simStats(tid), { creates: 1, gets: 1, requests: 2 });
});

test('sessions are frozen plain values', async () => {
  const tid = makeTid();
  const s = await client.createPaymentSession({ terminalId: tid, amount: '1', currency: 'USD' });
  assert.ok(s instanceof at.PaymentSession);
  assert.ok(Object.isFrozen(s));
  assert.deepEqual(Object.keys(s), ['challengeId', 'status', 'statusRaw', 'reference', 'journalError']);
});

test('a wait past its timeout rejects with StillPendingError', async () => {
  const tid = makeTid({ outcome: 'PENDING' });
  const created = await client.createPaymentSession({ terminalId: tid, amount: '1.00', currency: 'USD' });
  const started = Date.now();
  await assert.rejects(
    client.waitPaymentSession({ terminalId: tid, challengeId: created.challengeId, timeoutMs: 300 }),
    (e) => e instanceof at.StillPendingError && e.result === at.TerminalResult.StillPending,
  );
  assert.ok(Date.now() - started < 5000);
});

test('a timeout of 0 reads the session once', async () => {
  const tid = makeTid({ outcome: 'PENDING' });
  const created = await client.createPaymentSession({ terminalId: tid, amount: '1.00', currency: 'USD' });
  await assert.rejects(client.waitPaymentSession({ terminalId: tid, challengeId: created.challengeId, timeoutMs: 0 }), at.StillPendingError);
  assert.equal((await simStats(tid)).gets, 1);
});

test('the event loop keeps ticking during a wait', async () => {
  const tid = makeTid({ after: 1500 });
  const created = await client.createPaymentSession({ terminalId: tid, amount: '1.00', currency: 'USD' });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  try {
    const done = await client.waitPaymentSession({ terminalId: tid, challengeId: created.challengeId, timeoutMs: 10000 });
    assert.equal(done.status, 'COMPLETED');
  } finally {
    clearInterval(timer);
  }
  // About 150 in 1.5 s; a blocked loop would give 0 or 1.
  assert.ok(ticks >= 50, `the interval ran ${ticks} times during a 1.5 s wait`);
});

test('many waits at once run in parallel, not one after another', async () => {
  const tids = Array.from({ length: 8 }, () => makeTid({ after: 800 }));
  const sessions = await Promise.all(tids.map((t) => client.createPaymentSession({ terminalId: t, amount: '2', currency: 'EUR' })));
  const started = Date.now();
  const done = await Promise.all(sessions.map((s, i) => client.waitPaymentSession({ terminalId: tids[i], challengeId: s.challengeId, timeoutMs: 10000 })));
  assert.ok(done.every((s) => s.status === 'COMPLETED'));
  assert.ok(Date.now() - started < 4000, 'eight 0.8 s waits took under 4 s');
});

test('the versions', () => {
  assert.match(at.libraryVersion(), /^\d+\.\d+\.\d+$/);
  assert.equal(at.TerminalClient.libraryVersion, at.libraryVersion());
  assert.equal(at.TerminalClient.bindingVersion, require('../package.json').version);
});
