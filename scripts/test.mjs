#!/usr/bin/env node
// Runs the suite with vitest and closes with the one summary line CI reads: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

const report = '.tmp/vitest-report.json';
mkdirSync('.tmp', { recursive: true });
rmSync(report, { force: true });

const run = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const summary = JSON.parse(readFileSync(report, 'utf8'));
  passed = summary.numPassedTests;
  failed = summary.numFailedTests + (summary.numRuntimeErrorTestSuites ?? 0);
  skipped = summary.numPendingTests + summary.numTodoTests;
  const failedSuites = summary.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0);
  failed += failedSuites.length;
} catch {
  failed += 1;
  console.error('no vitest report was written');
}
if (skipped > 0) console.log(`${skipped} skipped (see the reasons printed above)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
