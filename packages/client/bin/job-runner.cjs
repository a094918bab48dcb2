#!/usr/bin/env node
'use strict';
// The `job-runner` command: the compiled CLI when built (npm run build), else its TypeScript
// sources through ts-node, so `npx job-runner` works in a fresh clone after `npm ci` alone.
const fs = require('node:fs');
const path = require('node:path');

const built = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
// JOB_RUNNER_CLI_FROM_SOURCE=1: the sources even when built (the tests: a dist/ left by an
// earlier build must not stand in for the code under test).
if (fs.existsSync(built) && process.env.JOB_RUNNER_CLI_FROM_SOURCE !== '1') {
  require(built);
} else {
  require('ts-node').register({
    transpileOnly: true,
    project: path.join(__dirname, '..', 'tsconfig.json'),
    compilerOptions: { module: 'commonjs' },
  });
  require(path.join(__dirname, '..', 'src', 'cli', 'main.ts'));
}
