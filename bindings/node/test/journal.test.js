'use strict';
// The payment journal: find, refuse a duplicate, forget, an unknown outcome.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { at, makeTid, simClient, simStats, assertRedacted, everyRendering } = require('./helpers');

let dir;
let client;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authsignal-node-journal-'));
  client = simClient({ journalPath: dir + path.sep });
});
after(async () => {
  await client.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const ref = (name) => `${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

test('a create with a reference is found in the journal, and refused a second time', async () => {
  const tid = makeTid({ outcome: 'PENDING' });
  const reference = ref('order');
  const s = await client.createPaymentSession({ terminalId: tid, amount: '4.20', currency: 'USD', reference });
  assert.equal(s.journalError, null);
  const entry = await client.findPaymentSession(reference);
  assert.ok(entry instanceof at.JournalEntry);
  assert.equal(entry.reference, reference);
  assert.equal(entry.challengeId, s.challengeId);
  assert.equal(entry.status, 'PENDING');
  assert.equal(entry.statusRaw, 'PENDING');
  assert.equal(entry.outcomeUnknown, false);
  assert.ok(entry.createdAt instanceof Date);
  assert.ok(Math.abs(entry.createdAt.getTime() - Date.now()) < 60000);
  assertRedacted(everyRendering(entry), tid);
  await assert.rejects(client.createPaymentSession({ terminalId: tid, amount: '4.20', currency: 'USD', reference }), (e) => {
    assert.ok(e instanceof at.DuplicateReferenceError);
    assert.equal(e.result, at.TerminalResult.DuplicateReference);
    assert.equal(e.outcomeUnknown, false);
    assertRedacted(everyRendering(e), tid);
    return true;
  });
  assert.equal((await simStats(tid)).creates, 1, 'the refused create was never sent');
});

test('a final status seen by a wait lets the reference go again (FAILED)', async () => {
  const tid = makeTid({ outcome: 'FAILED', polls: 0 });
  const reference = ref('failed');
  const s = await client.createPaymentSession({ terminalId: tid, amount: '1', currency: 'USD', reference });
  await client.waitPaymentSession({ terminalId: tid, challengeId: s.challengeId, timeoutMs: 5000 });
  assert.equal((await client.findPaymentSession(reference)).status, 'FAILED');
  await client.createPaymentSession({ terminalId: tid, amount: '1', currency: 'USD', reference });
});

test('an unknown outcome is kept until forgotten', async () => {
  const tid = makeTid({ fault: 'drop', on: 'create' });
  const reference = ref('unknown');
  await assert.rejects(client.createPaymentSession({ terminalId: tid, amount: '1', currency: 'USD', reference }), (e) => e.outcomeUnknown === true);
  const entry = await client.findPaymentSession(reference);
  assert.equal(entry.outcomeUnknown, true);
  assert.equal(entry.challengeId, null);
  assert.equal(entry.status, null);
  assert.equal(entry.statusRaw, null);
  await assert.rejects(client.createPaymentSession({ terminalId: tid, amount: '1', currency: 'USD', reference }), at.DuplicateReferenceError);
  await client.forgetReference(reference);
  assert.equal(await client.findPaymentSession(reference), null);
});

test('an unknown reference: null; forgetting it is fine', async () => {
  assert.equal(await client.findPaymentSession(ref('never')), null);
  await client.forgetReference(ref('never'));
});

test('creates without a reference are not journaled', async () => {
  const tid = makeTid({ outcome: 'PENDING' });
  await client.createPaymentSession({ terminalId: tid, amount: '1', currency: 'USD' });
  await client.createPaymentSession({ terminalId: tid, amount: '1', currency: 'USD' });
});

test('a client without a journal: InvalidArgumentError', async () => {
  const plain = simClient();
  try {
    await assert.rejects(plain.findPaymentSession('order-1'), at.InvalidArgumentError);
    await assert.rejects(plain.forgetReference('order-1'), at.InvalidArgumentError);
  } finally {
    await plain.close();
  }
});

test('a journal that cannot be opened: JournalError from the constructor', () => {
  assert.throws(() => simClient({ journalPath: path.join(dir, 'missing-folder', 'sub') + path.sep }), at.JournalError);
});

test('the journal lifetime and retention options are passed on', async () => {
  const c = simClient({ journalPath: path.join(dir, 'other.sqlite3'), journalLifetimeMs: 60000, journalRetentionMs: 86400000n });
  await c.close();
  assert.throws(() => simClient({ journalPath: path.join(dir, 'bad.sqlite3'), journalLifetimeMs: 60000, journalRetentionMs: 1 }), at.InvalidArgumentError);
});
