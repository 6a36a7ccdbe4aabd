#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step on install): tsx registers its ESM loader.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
