#!/usr/bin/env node
'use strict';
// `redactor scan` runs the prebuilt CLI (dist/redactor-cli.cjs, `npm run build:cli`) when it is newer than every
// source it was built from: that saves the start-up (registering tsx, compiling cli/ and detection/) that cost
// scan more than reading a 64 MB file. Everything else, and scan without a fresh bundle, runs the TypeScript
// sources in place through tsx's CommonJS hook (the other commands talk to Temporal; start-up does not matter).
const { readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');

function freshBundle() {
  const bundle = join(__dirname, '..', 'dist', 'redactor-cli.cjs');
  try {
    const built = statSync(bundle).mtimeMs;
    const inputs = JSON.parse(readFileSync(bundle.replace(/\.cjs$/, '.inputs.json'), 'utf8'));
    for (const input of inputs) if (statSync(join(__dirname, '..', 'dist', input)).mtimeMs > built) return undefined;
    return bundle;
  } catch {
    return undefined; // no bundle, or a source is gone: run from source
  }
}

const bundle = process.argv[2] === 'scan' && process.env.REDACTOR_FROM_SOURCE !== '1' ? freshBundle() : undefined;
if (bundle === undefined) require('tsx/cjs');
const { main } = require(bundle ?? '../cli/redactor.ts');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`redactor: ${err && err.stack ? err.stack : String(err)}\n`);
    process.exitCode = 2;
  },
);
