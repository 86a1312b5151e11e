'use strict';
// Amounts: decimal strings and minor units go exact through the minor-unit call, numbers
// through the library's float call; what reaches the wire is checked on a recording server.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { at, makeTid, simClient, fakeApi } = require('./helpers');

let api;
let client;
const sim = simClient();
before(async () => {
  api = await fakeApi();
  client = new at.TerminalClient({ baseUrl: api.baseUrl });
});
after(async () => {
  await client.close();
  await sim.close();
  await api.close();
});

function sent() {
  // The JSON number as written on the wire, not as JS would parse it.
  return /"amount":([0-9.eE+-]+)/.exec(api.requests.at(-1).body)[1];
}

const exact = [
  ['12.50', 'USD', '12.5'],
  ['12.5', 'USD', '12.5'],
  ['0.01', 'USD', '0.01'],
  ['12.500', 'USD', '12.5'],
  ['1000', 'JPY', '1000'],
  ['1.234', 'BHD', '1.234'],
  ['9999999999999.99', 'USD', '9999999999999.99'],
];
for (const [amount, currency, wire] of exact) {
  test(`the string ${amount} ${currency} is sent as ${wire}`, async () => {
    await client.createPaymentSession({ terminalId: makeTid(), amount, currency });
    assert.equal(Number(sent()), Number(wire));
    assert.equal(sent().replace(/\.?0+$/, ''), wire.replace(/\.?0+$/, ''));
  });
}

test('minor units, as bigint or number, are exact', async () => {
  await client.createPaymentSessionMinor({ terminalId: makeTid(), amountMinor: 1250n, currency: 'USD' });
  assert.equal(Number(sent()), 12.5);
  await client.createPaymentSessionMinor({ terminalId: makeTid(), amountMinor: 1234, currency: 'BHD' });
  assert.equal(Number(sent()), 1.234);
  await client.createPaymentSessionMinor({ terminalId: makeTid(), amountMinor: 999999999999999n, currency: 'USD' });
  assert.equal(sent(), '9999999999999.99');
});

test('a number goes through the float call, float noise absorbed', async () => {
  await client.createPaymentSession({ terminalId: makeTid(), amount: 0.1 + 0.2, currency: 'USD' });
  assert.equal(Number(sent()), 0.3);
  await client.createPaymentSession({ terminalId: makeTid(), amount: 19.99, currency: 'usd' });
  assert.equal(Number(sent()), 19.99);
});

test('the currency goes in upper case and the reference as given', async () => {
  await client.createPaymentSession({ terminalId: makeTid(), amount: '1', currency: 'eur', reference: 'order-7' });
  const body = JSON.parse(api.requests.at(-1).body);
  assert.equal(body.currency, 'EUR');
  assert.equal(body.reference, 'order-7');
  assert.match(api.requests.at(-1).headers['user-agent'], /authsignal-terminal-node\/\d+\.\d+\.\d+/);
});

const refusedByWrapper = [
  ['10.005', 'USD', RangeError],
  ['1.5', 'JPY', RangeError],
  ['0', 'USD', RangeError],
  ['0.00', 'USD', RangeError],
  ['99999999999999999999', 'USD', RangeError],
  ['-1', 'USD', TypeError],
  ['1e3', 'USD', TypeError],
  [' 1', 'USD', TypeError],
  ['', 'USD', TypeError],
  ['1.', 'USD', TypeError],
  ['1', 'XYZ', TypeError],
  [0, 'USD', RangeError],
  [-1, 'USD', RangeError],
  [NaN, 'USD', RangeError],
  [Infinity, 'USD', RangeError],
  [10n, 'USD', TypeError],
  [null, 'USD', TypeError],
  [undefined, 'USD', TypeError],
];
for (const [amount, currency, Class] of refusedByWrapper) {
  test(`${typeof amount} ${String(amount)} ${currency} is refused with ${Class.name} before anything is sent`, async () => {
    const before = api.requests.length;
    await assert.rejects(client.createPaymentSession({ terminalId: makeTid(), amount, currency }), (e) => {
      assert.ok(e instanceof Class);
      assert.match(e.message, /"(amount|currency)"/);
      return true;
    });
    assert.equal(api.requests.length, before);
  });
}

const refusedByLibrary = [
  [10.005, 'USD'],
  [1.5, 'JPY'],
  [1e16, 'USD'],
  ['10000000000000', 'USD'],
  [1, 'XYZ'],
];
for (const [amount, currency] of refusedByLibrary) {
  test(`${typeof amount} ${amount} ${currency} is refused by the library (InvalidArgumentError)`, async () => {
    const before = api.requests.length;
    await assert.rejects(client.createPaymentSession({ terminalId: makeTid(), amount, currency }), at.InvalidArgumentError);
    assert.equal(api.requests.length, before);
  });
}

test('minor units refused: zero, negative, fractions, beyond int64, wrong type', async () => {
  const tid = makeTid();
  const bad = [
    [0n, RangeError],
    [-5n, RangeError],
    [0, RangeError],
    [1.5, RangeError],
    [2 ** 53, RangeError],
    [1n << 63n, RangeError],
    ['1250', TypeError],
    [null, TypeError],
  ];
  for (const [amountMinor, Class] of bad) {
    await assert.rejects(client.createPaymentSessionMinor({ terminalId: tid, amountMinor, currency: 'USD' }), (e) => {
      assert.ok(e instanceof Class, `${String(amountMinor)}: ${e.name}`);
      assert.match(e.message, /"amountMinor"/);
      return true;
    });
  }
  await assert.rejects(client.createPaymentSessionMinor({ terminalId: tid, amountMinor: 1000000000000000n, currency: 'USD' }), at.InvalidArgumentError);
});

test('the exact amounts on the simulator', async () => {
  for (const [amount, currency] of [['12.50', 'USD'], ['1000', 'JPY'], ['1.234', 'BHD']]) {
    const s = await sim.createPaymentSession({ terminalId: makeTid(), amount, currency });
    assert.equal(s.status, 'PENDING');
  }
});
