'use strict';
// close(), the process's exit, loading the native library, logging and diagnose.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const util = require('node:util');
const { at, SIM_BASE_URL, SIM_CA_FILE, makeTid, simClient, assertRedacted, everyRendering } = require('./helpers');

const INDEX = path.join(__dirname, '..');

function runChild(source, env = {}) {
  const started = Date.now();
  const child = spawnSync(process.execPath, ['-e', source], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 20000,
  });
  return { ...child, took: Date.now() - started };
}

test('close() is idempotent; calls after it reject with ERR_AUTHSIGNAL_TERMINAL_CLOSED', async () => {
  const c = simClient();
  await c.close();
  await c.close();
  const closed = (e) => e.code === 'ERR_AUTHSIGNAL_TERMINAL_CLOSED';
  await assert.rejects(c.createPaymentSession({ terminalId: makeTid(), amount: '1', currency: 'USD' }), closed);
  await assert.rejects(c.getPaymentSession({ terminalId: makeTid(), challengeId: 'abc' }), closed);
  await assert.rejects(c.waitPaymentSession({ terminalId: makeTid(), challengeId: 'abc', timeoutMs: 1 }), closed);
  await assert.rejects(c.findPaymentSession('r'), closed);
  await assert.rejects(c.diagnose(), closed);
  assert.equal(util.inspect(c), 'TerminalClient { closed }');
});

test('close() waits for a call in flight, which completes', async () => {
  const c = simClient();
  const tid = makeTid({ delay: 300 });
  const creating = c.createPaymentSession({ terminalId: tid, amount: '1', currency: 'USD' });
  await new Promise((r) => setImmediate(r));
  await c.close();
  assert.equal((await creating).status, 'PENDING');
});

test('await using closes the client', async () => {
  let kept;
  {
    const c = simClient();
    kept = c;
    await c[Symbol.asyncDispose]();
  }
  await assert.rejects(kept.diagnose(), (e) => e.code === 'ERR_AUTHSIGNAL_TERMINAL_CLOSED');
});

test('the process exits by itself promptly after close(), with nothing left running', () => {
  const tid = makeTid({ polls: 1 });
  const source = `
    const at = require(${JSON.stringify(INDEX)});
    (async () => {
      await at.setLogHandler(() => {}, 'debug');
      const c = new at.TerminalClient({ baseUrl: process.env.SIM_BASE_URL, caFile: process.env.SIM_CA_FILE, pollIntervalMs: 100 });
      const s = await c.createPaymentSession({ terminalId: process.env.T, amount: '1', currency: 'USD' });
      const done = await c.waitPaymentSession({ terminalId: process.env.T, challengeId: s.challengeId, timeoutMs: 5000 });
      await c.close();
      console.log('closed ' + done.status + ' ' + Date.now());
    })();`;
  const child = runChild(source, { T: tid });
  assert.equal(child.signal, null, 'the child exited by itself (not killed by the timeout)');
  assert.equal(child.status, 0, child.stderr);
  const [word, status, at_] = child.stdout.trim().split(' ');
  assert.equal(word, 'closed');
  assert.equal(status, 'COMPLETED');
  const exitLag = Date.now() - Number(at_);
  assert.ok(exitLag < 2000, `the process ended ${exitLag} ms after close()`);
  assertRedacted(child.stdout + child.stderr, tid);
});

test('a client never closed does not keep the process alive either', () => {
  const source = `
    const at = require(${JSON.stringify(INDEX)});
    const c = new at.TerminalClient({ baseUrl: process.env.SIM_BASE_URL, caFile: process.env.SIM_CA_FILE });
    c.diagnose().then((d) => console.log('diagnosed ' + typeof d.passed));`;
  const child = runChild(source);
  assert.equal(child.signal, null);
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout.trim(), 'diagnosed boolean');
});

test('a missing native library: an error naming the path tried', () => {
  const source = `
    const at = require(${JSON.stringify(INDEX)});
    if (process.env.EXPLICIT) at.setLibraryPath(process.env.EXPLICIT);
    try { new at.TerminalClient(); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, tried: e.tried })); }`;
  for (const env of [
    { EXPLICIT: '/nonexistent/explicit/libauthsignal_terminal.so', AUTHSIGNAL_TERMINAL_LIBRARY: '/nonexistent/env/libauthsignal_terminal.so' },
    { AUTHSIGNAL_TERMINAL_LIBRARY: '/nonexistent/env/libauthsignal_terminal.so' },
  ]) {
    const child = runChild(source, env);
    assert.equal(child.status, 0, child.stderr);
    const out = JSON.parse(child.stdout);
    const want = env.EXPLICIT || env.AUTHSIGNAL_TERMINAL_LIBRARY;
    assert.equal(out.code, 'ERR_AUTHSIGNAL_TERMINAL_LIBRARY_NOT_FOUND');
    assert.deepEqual(out.tried, [want], 'a path given is the only one tried');
    assert.ok(out.message.includes(`${want} (no such file)`), out.message);
  }
});

test('without a path given: prebuilds/<platform>-<arch>/, then the system loader', () => {
  const { candidates } = require('../lib/native');
  const saved = process.env.AUTHSIGNAL_TERMINAL_LIBRARY;
  delete process.env.AUTHSIGNAL_TERMINAL_LIBRARY;
  try {
    const list = candidates(null);
    assert.equal(list.length, 2);
    assert.ok(list[0].endsWith(path.join('prebuilds', `${process.platform}-${process.arch}`, path.basename(list[1]))));
    assert.ok(!path.isAbsolute(list[1]));
  } finally {
    if (saved !== undefined) process.env.AUTHSIGNAL_TERMINAL_LIBRARY = saved;
  }
});

test('the log handler gets the library\'s lines, with no terminal id in clear', async () => {
  const lines = [];
  await at.setLogHandler((level, message) => lines.push({ level, message }), 'debug');
  const c = simClient();
  const tid = makeTid({ fault: 503, on: 'get', times: 1, polls: 0 });
  try {
    const s = await c.createPaymentSession({ terminalId: tid, amount: '1', currency: 'USD' });
    await c.waitPaymentSession({ terminalId: tid, challengeId: s.challengeId, timeoutMs: 5000 });
  } finally {
    await at.setLogHandler(null);
    await c.close();
  }
  assert.ok(lines.length >= 3, `${lines.length} lines`);
  const levels = new Set(lines.map((l) => l.level));
  assert.ok(levels.has('info') && levels.has('debug'), [...levels].join());
  assert.ok(lines.some((l) => l.level === 'warn'), 'the retried 503 is a warning');
  assertRedacted(lines.map((l) => l.message).join('\n'), tid);
  const count = lines.length;
  const c2 = simClient();
  await c2.createPaymentSession({ terminalId: makeTid(), amount: '1', currency: 'USD' });
  await c2.close();
  assert.equal(lines.length, count, 'no lines after the handler is removed');
});

test('the log level limits the lines; a throwing handler is harmless', async () => {
  const lines = [];
  await at.setLogHandler((level) => {
    lines.push(level);
    throw new Error('handler bug');
  }, 'info');
  const c = simClient();
  try {
    await c.createPaymentSession({ terminalId: makeTid(), amount: '1', currency: 'USD' });
  } finally {
    await at.setLogHandler(null);
    await c.close();
  }
  assert.ok(lines.length >= 1);
  assert.ok(!lines.includes('debug'));
});

test('diagnose: the verdict, the text and the JSON report, the id redacted', async () => {
  const c = simClient();
  try {
    const tid = makeTid();
    const d = await c.diagnose(tid);
    assert.equal(typeof d.passed, 'boolean');
    assert.equal(d.report.passed, d.passed);
    assert.equal(d.report.no_payment_started, true);
    assert.ok(Array.isArray(d.report.checks) && d.report.checks.length > 0);
    assert.ok(d.text.length > 0);
    assertRedacted(everyRendering(d), tid);
    const without = await c.diagnose();
    assert.equal(typeof without.passed, 'boolean');
    const unpaired = makeTid({}, 'unpaired_node_');
    const refused = await c.diagnose(unpaired);
    assert.equal(refused.passed, false);
    assertRedacted(everyRendering(refused), unpaired);
  } finally {
    await c.close();
  }
});

test('nothing the wrapper hands out holds a terminal id', async () => {
  const c = simClient();
  try {
    const tid = makeTid({ fault: 500, on: 'get', body: 'html' });
    const s = await c.createPaymentSession({ terminalId: tid, amount: '1', currency: 'USD', reference: 'r-1' });
    const e = await c.getPaymentSession({ terminalId: tid, challengeId: s.challengeId }).catch((x) => x);
    assert.ok(e instanceof at.ServerError);
    assertRedacted([everyRendering(s), everyRendering(e), everyRendering(c), util.inspect(at)].join('\n'), tid);
  } finally {
    await c.close();
  }
  assert.ok(SIM_BASE_URL && SIM_CA_FILE);
});
