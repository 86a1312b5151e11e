'use strict';
// Shared by the tests: the simulator (started by scripts/with-simulator.sh, which passes
// SIM_BASE_URL and SIM_CA_FILE), fresh terminal ids, a check that no id appears in clear,
// and a small recording HTTP server for what the simulator cannot show (request bodies).
//
// Terminal ids are secrets: no assertion compares one, so none can appear in a failure
// message; run-tests.sh also fails the run if any output holds the ids' prefix.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const util = require('node:util');
const at = require('..');

const SIM_BASE_URL = process.env.SIM_BASE_URL;
const SIM_CA_FILE = process.env.SIM_CA_FILE;
if (!SIM_BASE_URL) throw new Error('SIM_BASE_URL is not set: run the tests through scripts/with-simulator.sh');

/** The prefix of every terminal id the tests make; run-tests.sh greps the output for it. */
const TID_PREFIX = 'tid_node_';

/** A fresh terminal id with simulator directives, e.g. makeTid({ outcome: 'FAILED' }). */
function makeTid(directives = {}, prefix = TID_PREFIX) {
  let tid = prefix + crypto.randomBytes(6).toString('hex');
  for (const [key, value] of Object.entries(directives)) tid += `+${key}=${value}`;
  return tid;
}

function simClient(extra = {}) {
  return new at.TerminalClient({ baseUrl: SIM_BASE_URL, caFile: SIM_CA_FILE, pollIntervalMs: 100, ...extra });
}

/** Fails if `text` holds the terminal id proper in clear, without printing either. */
function assertRedacted(text, tid) {
  const proper = tid.split('+')[0];
  assert.ok(!String(text).includes(proper), 'a terminal id appeared in clear');
}

/** Everything a developer might print of an error or value. */
function everyRendering(value) {
  const parts = [util.inspect(value, { depth: 5, showHidden: true }), String(value)];
  if (value instanceof Error) parts.push(value.message, value.stack || '');
  try {
    parts.push(JSON.stringify(value));
  } catch {
    // circular: inspect covers it
  }
  return parts.join('\n');
}

/** What the simulator received with this exact terminal id: creates, gets, requests. */
function simStats(tid) {
  return new Promise((resolve, reject) => {
    const req = https.get(
      `${SIM_BASE_URL}/_sim/stats`,
      { headers: { 'x-authsignal-terminal': tid }, ca: fs.readFileSync(SIM_CA_FILE) },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(JSON.parse(body).terminal));
      },
    );
    req.on('error', reject);
  });
}

/** A plain-HTTP stand-in for the API on loopback that records every request. */
async function fakeApi() {
  const requests = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      const answer =
        req.method === 'POST'
          ? { challengeId: 'fake-challenge-0001', status: 'PENDING', ...pickReference(body) }
          : { challengeId: req.url.split('/').pop(), status: 'COMPLETED' };
      const data = JSON.stringify(answer);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
      res.end(data);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${server.address().port}/v1`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

function pickReference(body) {
  try {
    const { reference } = JSON.parse(body);
    return reference === undefined ? {} : { reference };
  } catch {
    return {};
  }
}

module.exports = { at, SIM_BASE_URL, SIM_CA_FILE, TID_PREFIX, makeTid, simClient, assertRedacted, everyRendering, simStats, fakeApi };
