#!/usr/bin/env node
// Runs the compiled build (dist/, made by `npm run build`, which `npm install` runs through `prepare`):
// no TypeScript compiler at run time. Under vitest (it sets VITEST, and the processes tests spawn
// inherit it) the current sources run through tsx instead, so a test never runs a stale build.
// Forked gateway workers (--workers N) re-run this file with the same environment: same choice.
import { existsSync } from 'node:fs';

if (process.env.VITEST) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
} else {
  const main = new URL('../dist/gatehouse.js', import.meta.url);
  if (!existsSync(main)) {
    process.stderr.write('gatehouse: no build found in dist/; run `npm run build` (npm install runs it)\n');
    process.exit(1);
  }
  await import(main.href);
}
