#!/usr/bin/env node
// `npm test`: unit, integration (PGlite; PostgreSQL too when KITE_TEST_PG_URL is set) and browser
// end-to-end tests, one tier after another; ends with one plain summary line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const reports = join(root, 'artifacts', 'test-reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const extra = process.argv.slice(2);
const chromium = process.env.KITE_CHROMIUM ?? '/usr/bin/chromium';
const projects = ['unit', 'int'];
if (existsSync(chromium)) projects.push('e2e');
else process.stdout.write(`note: ${chromium} not found; skipping browser e2e tests (apt-get install chromium fonts-wqy-microhei)\n`);

const totals = { passed: 0, failed: 0, skipped: 0 };
let failed = false;
for (const project of projects) {
  const outputFile = join(reports, `${project}.json`);
  process.stdout.write(`\n=== ${project} tests ===\n`);
  const run = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--project',
      project,
      '--passWithNoTests',
      '--reporter=default',
      '--reporter=json',
      `--outputFile=${outputFile}`,
      ...extra,
    ],
    { cwd: root, stdio: 'inherit', env: process.env },
  );
  if (run.status !== 0) failed = true;
  if (existsSync(outputFile)) {
    const report = JSON.parse(readFileSync(outputFile, 'utf8'));
    totals.passed += report.numPassedTests ?? 0;
    totals.failed += report.numFailedTests ?? 0;
    totals.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  }
}
process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(failed || totals.failed > 0 || totals.passed === 0 ? 1 : 0);
