import { readFileSync } from 'node:fs';

/**
 * The files the server sends as they are (stylesheet, browser script, icon), read once at start-up from
 * `assets/` beside this module — in src/ under tsx, and beside the one bundled file in dist/ (the build
 * copies the folder there).
 */
export function readAsset(name: 'gatehouse.css' | 'portal.js' | 'favicon.svg'): Buffer {
  return readFileSync(new URL(`./assets/${name}`, import.meta.url));
}
