#!/usr/bin/env node
// Compiles src/ to JavaScript and declarations (tsconfig.build.json) and copies the files the code
// reads at run time beside their modules (stylesheet, browser script), so dist/ runs on its own.
//   node scripts/build.mjs [--out DIR] [--no-check]
// --no-check only emits (no type check, a few seconds): for a throw-away build of the current sources.
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { out: { type: 'string', default: 'dist' }, 'no-check': { type: 'boolean', default: false } } });
const out = resolve(root, values.out);

// A clean tree each time: a module deleted from src/ must not live on in dist/.
rmSync(out, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const args = [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', out, ...(values['no-check'] ? ['--noCheck'] : [])];
const run = spawnSync(process.execPath, args, { stdio: 'inherit' });

// Like tsc itself, a type error still leaves a complete (emitted) build behind, and fails the command.
const src = join(root, 'src');
cpSync(src, out, { recursive: true, filter: (path) => extname(path) !== '.ts' });
process.exit(run.status ?? 1);
