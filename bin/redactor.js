#!/usr/bin/env node
'use strict';
// Runs the TypeScript CLI in place: tsx's CommonJS hook compiles cli/*.ts on require.
require('tsx/cjs');
const { main } = require('../cli/redactor.ts');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`redactor: ${err && err.stack ? err.stack : String(err)}\n`);
    process.exitCode = 2;
  },
);
