// Preloaded into worker processes the tests spawn: they run the TypeScript sources directly
// (through ts-node), so `@job-runner/x` must resolve to packages/x/src rather than to dist.
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload, by necessity */
const Module = require('node:module');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const original = Module._resolveFilename;
Module._resolveFilename = function resolve(request, ...rest) {
  const m = /^@job-runner\/(config|logger|sandbox|jobs)$/.exec(request);
  return original.call(this, m ? path.join(root, 'packages', m[1], 'src') : request, ...rest);
};
