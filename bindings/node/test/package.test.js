'use strict';
// What `npm pack` would publish: the code, the types, the natives under prebuilds/.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');

test('the package holds lib/, index.d.ts and prebuilds/<platform>-<arch>/, nothing else of the repository', () => {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const out = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: path.join(__dirname, '..'),
    encoding: 'utf8',
  });
  const [pack] = JSON.parse(out);
  const files = pack.files.map((f) => f.path).sort();
  assert.equal(pack.name, '@authsignal/terminal');
  for (const wanted of ['lib/index.js', 'lib/native.js', 'lib/worker.js', 'lib/pool.js', 'lib/errors.js', 'lib/enums.js', 'index.d.ts', 'package.json', 'README.md']) {
    assert.ok(files.includes(wanted), `the package holds ${wanted}`);
  }
  if (process.platform === 'linux' && process.arch === 'x64') {
    assert.ok(files.includes('prebuilds/linux-x64/libauthsignal_terminal.so'));
  }
  assert.ok(files.every((f) => /^(lib\/|prebuilds\/|index\.d\.ts$|package\.json$|README\.md$)/.test(f)), files.join(', '));
});

test('the package.json points at the code and the types, and koffi is its only dependency', () => {
  const pkg = require('../package.json');
  assert.equal(pkg.main, 'lib/index.js');
  assert.equal(pkg.types, 'index.d.ts');
  assert.deepEqual(Object.keys(pkg.dependencies), ['koffi']);
});

test('the package version is the workspace version (Cargo.toml) and the library version', () => {
  const fs = require('node:fs');
  const cargo = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'Cargo.toml'), 'utf8');
  const version = /^version\s*=\s*"([^"]+)"/m.exec(cargo)[1];
  assert.equal(require('../package.json').version, version);
  assert.equal(require('..').libraryVersion(), version);
});
