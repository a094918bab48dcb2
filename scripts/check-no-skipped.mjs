#!/usr/bin/env node
// Fails when a jest run (its --json output) skipped or left to do any test: in CI every test
// runs, on the real Redis and the real Docker engine, or the run is red.
// Usage: node scripts/check-no-skipped.mjs jest-results.json
import fs from 'node:fs';

const file = process.argv[2];
const results = JSON.parse(fs.readFileSync(file, 'utf8'));
const skipped = [];
for (const suite of results.testResults ?? [])
  for (const t of suite.assertionResults ?? [])
    if (t.status !== 'passed' && t.status !== 'failed') skipped.push(`${t.status}: ${t.fullName}`);
console.log(
  `${results.numTotalTests} tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ` +
    `${results.numPendingTests} skipped, ${results.numTodoTests} todo`,
);
if (skipped.length || results.numPendingTests || results.numTodoTests) {
  console.error(`tests were skipped, which CI does not allow:\n  ${skipped.join('\n  ')}`);
  process.exit(1);
}
if (!results.numTotalTests) {
  console.error('no test ran');
  process.exit(1);
}
