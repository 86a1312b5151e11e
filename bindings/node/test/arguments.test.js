'use strict';
// Bad arguments: TypeError or RangeError naming the parameter, before any native call,
// and never with a terminal id in the message.
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { at, makeTid, simClient, assertRedacted, everyRendering } = require('./helpers');

const client = simClient();
after(() => client.close());

function named(Class, name) {
  return (e) => {
    assert.ok(e instanceof Class, `${e.name}: ${e.message}`);
    assert.ok(e.message.includes(`"${name}"`), `the message names ${name}: ${e.message}`);
    assert.match(e.code, /^ERR_/);
    return true;
  };
}

test('a request that is not an object', async () => {
  for (const method of ['createPaymentSession', 'createPaymentSessionMinor', 'getPaymentSession', 'waitPaymentSession']) {
    await assert.rejects(client[method](), named(TypeError, 'request'));
    await assert.rejects(client[method](null), named(TypeError, 'request'));
    await assert.rejects(client[method]('tid'), named(TypeError, 'request'));
  }
});

test('missing or mistyped strings name their parameter', async () => {
  const tid = makeTid();
  await assert.rejects(client.createPaymentSession({ amount: '1', currency: 'USD' }), named(TypeError, 'terminalId'));
  await assert.rejects(client.createPaymentSession({ terminalId: 42, amount: '1', currency: 'USD' }), named(TypeError, 'terminalId'));
  await assert.rejects(client.createPaymentSession({ terminalId: tid, amount: '1' }), named(TypeError, 'currency'));
  await assert.rejects(client.createPaymentSession({ terminalId: tid, amount: '1', currency: 'USD', reference: 7 }), named(TypeError, 'reference'));
  await assert.rejects(client.createPaymentSessionMinor({ terminalId: tid, amountMinor: 1n, currency: ['USD'] }), named(TypeError, 'currency'));
  await assert.rejects(client.getPaymentSession({ terminalId: tid }), named(TypeError, 'challengeId'));
  await assert.rejects(client.waitPaymentSession({ terminalId: tid, challengeId: 5, timeoutMs: 1 }), named(TypeError, 'challengeId'));
  await assert.rejects(client.findPaymentSession(), named(TypeError, 'reference'));
  await assert.rejects(client.forgetReference(null), named(TypeError, 'reference'));
  await assert.rejects(client.diagnose(12), named(TypeError, 'terminalId'));
});

test('a NUL character is refused, and the value is not echoed', async () => {
  const tid = makeTid() + '\0x';
  await assert.rejects(client.createPaymentSession({ terminalId: tid, amount: '1', currency: 'USD' }), (e) => {
    named(TypeError, 'terminalId')(e);
    assertRedacted(everyRendering(e), tid);
    return true;
  });
  await assert.rejects(client.getPaymentSession({ terminalId: makeTid(), challengeId: 'a\0b' }), named(TypeError, 'challengeId'));
});

test('a wait timeout out of range or of the wrong type', async () => {
  const base = { terminalId: makeTid(), challengeId: 'abc' };
  await assert.rejects(client.waitPaymentSession(base), named(TypeError, 'timeoutMs'));
  await assert.rejects(client.waitPaymentSession({ ...base, timeoutMs: '100' }), named(TypeError, 'timeoutMs'));
  await assert.rejects(client.waitPaymentSession({ ...base, timeoutMs: -1 }), named(RangeError, 'timeoutMs'));
  await assert.rejects(client.waitPaymentSession({ ...base, timeoutMs: 1.5 }), named(RangeError, 'timeoutMs'));
  await assert.rejects(client.waitPaymentSession({ ...base, timeoutMs: 2 ** 32 }), named(RangeError, 'timeoutMs'));
  await assert.rejects(client.waitPaymentSession({ ...base, timeoutMs: 10, signal: {} }), named(TypeError, 'signal'));
});

test('client options of the wrong type or range', () => {
  assert.throws(() => new at.TerminalClient(null), named(TypeError, 'options'));
  assert.throws(() => new at.TerminalClient({ region: 'mars' }), named(TypeError, 'options.region'));
  assert.throws(() => new at.TerminalClient({ baseUrl: 1 }), named(TypeError, 'options.baseUrl'));
  assert.throws(() => new at.TerminalClient({ connectTimeoutMs: '5' }), named(TypeError, 'options.connectTimeoutMs'));
  assert.throws(() => new at.TerminalClient({ requestTimeoutMs: -1 }), named(RangeError, 'options.requestTimeoutMs'));
  assert.throws(() => new at.TerminalClient({ pollIntervalMs: 0.5 }), named(RangeError, 'options.pollIntervalMs'));
  assert.throws(() => new at.TerminalClient({ useSystemRoots: 'yes' }), named(TypeError, 'options.useSystemRoots'));
  assert.throws(() => new at.TerminalClient({ journalRetentionMs: -5n }), named(RangeError, 'options.journalRetentionMs'));
});

test('every region is accepted, in any case', async () => {
  for (const region of ['us', 'au', 'eu', 'ca', 'EU']) {
    await new at.TerminalClient({ region }).close();
  }
});

test('setLogHandler checks its arguments', async () => {
  await assert.rejects(at.setLogHandler('console'), named(TypeError, 'handler'));
  await assert.rejects(at.setLogHandler(() => {}, 'verbose'), named(TypeError, 'level'));
});
