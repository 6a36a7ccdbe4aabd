#!/usr/bin/env node
// Builds what `npm start` and the `gatehouse` bin run: src/ and its JavaScript dependencies bundled by
// esbuild into one ES module, dist/gatehouse.js, with the files the code reads at run time in
// dist/assets/; and type declarations in dist/types/ (tsc, which also type-checks).
//   node scripts/build.mjs [--out DIR] [--no-check]
// --no-check skips the type check (declarations are still emitted): for a throw-away build.
//
// Why one file: Node 20 resolves, reads and compiles each ES module and each CommonJS file on its own,
// and a start loaded ~700 of them (fastify, zod, kysely, pino, jose, … and src/): about half of the
// time to ready. One bundle parses once. Native addons stay outside (better-sqlite3, argon2), and so does
// pg's optional native binding.
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { out: { type: 'string', default: 'dist' }, 'no-check': { type: 'boolean', default: false } } });
const out = resolve(root, values.out);

// A clean tree each time: a module deleted from src/ must not live on in dist/.
rmSync(out, { recursive: true, force: true });

await build({
  entryPoints: [join(root, 'src/cli/main.ts')],
  outfile: join(out, 'gatehouse.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  // Smaller to parse; names are kept, so stack traces stay readable (and map back with --enable-source-maps).
  minifyWhitespace: true,
  minifySyntax: true,
  external: ['better-sqlite3', '@node-rs/argon2', 'pg-native'],
  // Bundled CommonJS packages call require() for Node's built-ins and the external addons.
  banner: { js: "import { createRequire as __gatehouseRequire } from 'node:module';\nconst require = __gatehouseRequire(import.meta.url);" },
  logLevel: 'warning',
});
cpSync(join(root, 'src/http/assets'), join(out, 'assets'), { recursive: true });

// Like tsc itself, a type error still leaves a complete (emitted) build behind, and fails the command.
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const args = [tsc, '-p', join(root, 'tsconfig.build.json'), '--declarationDir', join(out, 'types'), ...(values['no-check'] ? ['--noCheck'] : [])];
const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(run.status ?? 1);
