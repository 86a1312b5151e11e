'use strict';
// Each failure result as its Error subclass, with the library's fields; no id in clear.
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { at, SIM_BASE_URL, makeTid, simClient, simStats, assertRedacted, everyRendering } = require('./helpers');

const client = simClient({ requestTimeoutMs: 2000 });
after(() => client.close());

async function failure(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail('the call succeeded');
}

function checkError(e, Class, result, tid) {
  assert.ok(e instanceof Class, `${e && e.name} is a ${Class.name}`);
  assert.ok(e instanceof at.AuthsignalTerminalError);
  assert.ok(e instanceof Error);
  assert.equal(e.name, Class.name);
  assert.equal(e.result, result);
  assert.ok(e.message.length > 0);
  if (tid) assertRedacted(everyRendering(e), tid);
}

const create = (tid) => client.createPaymentSession({ terminalId: tid, amount: '1.00', currency: 'USD' });

test('401: UnauthorizedError with the HTTP status and server code', async () => {
  const tid = makeTid({}, 'unpaired_node_');
  const e = await failure(create(tid));
  checkError(e, at.UnauthorizedError, at.TerminalResult.Unauthorized, tid);
  assert.equal(e.httpStatus, 401);
  assert.equal(e.serverCode, 'unauthorized');
  assert.equal(e.outcomeUnknown, false);
});

test('404: NotFoundError for a session the terminal did not create', async () => {
  const tid = makeTid();
  const e = await failure(client.getPaymentSession({ terminalId: tid, challengeId: 'no-such-session' }));
  checkError(e, at.NotFoundError, at.TerminalResult.NotFound, tid);
  assert.equal(e.httpStatus, 404);
  assert.equal(e.serverCode, 'not_found');
});

test('429: RateLimitedError after the retries', async () => {
  const tid = makeTid({ fault: 429, on: 'get' });
  const s = await create(tid);
  const e = await failure(client.getPaymentSession({ terminalId: tid, challengeId: s.challengeId }));
  checkError(e, at.RateLimitedError, at.TerminalResult.RateLimited, tid);
  assert.equal(e.httpStatus, 429);
  assert.equal((await simStats(tid)).gets, 3, 'the library retried twice');
});

test('5xx on a create: ServerError, outcome unknown, sent once', async () => {
  const tid = makeTid({ fault: 503, on: 'create' });
  const e = await failure(create(tid));
  checkError(e, at.ServerError, at.TerminalResult.ServerError, tid);
  assert.equal(e.httpStatus, 503);
  assert.equal(e.outcomeUnknown, true);
  assert.equal((await simStats(tid)).creates, 1, 'a create is never sent twice');
});

test('a dropped create: NetworkError or ProtocolError, outcome unknown', async () => {
  const tid = makeTid({ fault: 'drop', on: 'create' });
  const e = await failure(create(tid));
  assert.ok(e instanceof at.AuthsignalTerminalError);
  assert.equal(e.outcomeUnknown, true);
  assertRedacted(everyRendering(e), tid);
});

test('a malformed answer: ProtocolError', async () => {
  const tid = makeTid({ fault: 'malformed', on: 'get' });
  const s = await create(tid);
  const e = await failure(client.getPaymentSession({ terminalId: tid, challengeId: s.challengeId }));
  checkError(e, at.ProtocolError, at.TerminalResult.Protocol, tid);
  assert.equal(e.outcomeUnknown, false, 'only a create can have an unknown outcome');
});

test('a slow answer: TerminalTimeoutError', async () => {
  const tid = makeTid({ delay: 4000, on: 'create' });
  const e = await failure(create(tid));
  checkError(e, at.TerminalTimeoutError, at.TerminalResult.Timeout, tid);
  assert.equal(e.outcomeUnknown, true);
});

test('nothing listening: NetworkError, outcome known', async () => {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  await new Promise((r) => server.close(r));
  const c = new at.TerminalClient({ baseUrl: `http://127.0.0.1:${port}/v1` });
  try {
    const tid = makeTid();
    const e = await failure(c.createPaymentSession({ terminalId: tid, amount: '1', currency: 'USD' }));
    checkError(e, at.NetworkError, at.TerminalResult.Network, tid);
    assert.equal(e.outcomeUnknown, false);
    assert.equal(e.httpStatus, 0);
    assert.equal(e.serverCode, null);
  } finally {
    await c.close();
  }
});

test('an untrusted certificate: TlsError', async () => {
  const c = new at.TerminalClient({ baseUrl: SIM_BASE_URL });
  try {
    const tid = makeTid();
    const e = await failure(c.createPaymentSession({ terminalId: tid, amount: '1', currency: 'USD' }));
    checkError(e, at.TlsError, at.TerminalResult.Tls, tid);
    assert.equal(e.outcomeUnknown, false);
  } finally {
    await c.close();
  }
});

test('the library refuses a value: InvalidArgumentError, thrown by the constructor too', async () => {
  assert.throws(() => new at.TerminalClient({ baseUrl: 'http://example.com/v1' }), (e) => {
    checkError(e, at.InvalidArgumentError, at.TerminalResult.InvalidArgument);
    return true;
  });
  assert.throws(() => new at.TerminalClient({ pollIntervalMs: 1 }), at.InvalidArgumentError);
  assert.throws(() => new at.TerminalClient({ caFile: '/nonexistent/ca.pem' }), at.InvalidArgumentError);
  const tid = makeTid();
  const e = await failure(client.getPaymentSession({ terminalId: tid, challengeId: 'bad id!' }));
  checkError(e, at.InvalidArgumentError, at.TerminalResult.InvalidArgument, tid);
});

test('every failure result has its own class', () => {
  const classes = Object.values(at.TerminalResult)
    .filter((n) => n !== 0)
    .map((n) => require('../lib/errors').ERROR_CLASSES[n]);
  assert.equal(new Set(classes).size, 15);
  for (const Class of classes) assert.ok(Object.getPrototypeOf(Class) === at.AuthsignalTerminalError);
});

test('the last error is read on the thread that failed, even with many calls at once', async () => {
  const good = Array.from({ length: 6 }, () => makeTid());
  const bad = Array.from({ length: 6 }, () => makeTid({}, 'unpaired_node_'));
  const results = await Promise.allSettled([...good, ...bad].map((t) => create(t)));
  results.slice(0, 6).forEach((r) => assert.equal(r.status, 'fulfilled'));
  results.slice(6).forEach((r) => {
    assert.equal(r.status, 'rejected');
    assert.ok(r.reason instanceof at.UnauthorizedError);
    assert.equal(r.reason.httpStatus, 401);
  });
});
