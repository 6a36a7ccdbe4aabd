import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clearCookie, parseCookies, serializeCookie } from '../../http/cookies.ts';

/**
 * Values shown once after a POST-redirect-GET: a consumer secret, an access token, an API key, or a
 * plain notice. Gatehouse keeps only hashes of credentials, so the page after the redirect can show
 * them only if the POST hands them over. They travel in a short-lived cookie encrypted (AES-256-GCM)
 * under a key derived from the session token itself: any control-plane process can read it (no
 * sticky sessions needed), nothing is stored server-side, and it is useless without that session.
 */
export type Reveal =
  | { kind: 'keys'; consumerKey: string; consumerSecret: string; token?: TokenReveal }
  | { kind: 'secret'; value: string; regenerated: boolean }
  | ({ kind: 'token' } & TokenReveal)
  | { kind: 'apiKey'; name: string; value: string; expiresAt: number | null };

export interface TokenReveal {
  accessToken: string;
  expiresIn: number | null;
  scopes: string[];
}

export interface Flash {
  notice?: string;
  reveal?: Reveal;
}

const FLASH_TTL_MS = 5 * 60_000;
const cookieName = (secure: boolean): string => (secure ? '__Host-gatehouse-flash' : 'gatehouse-flash');
/** A held reveal stays readable this long unless the developer confirms the copy sooner. */
const HELD_TTL_MS = 15 * 60_000;
const heldCookieName = (secure: boolean): string => (secure ? '__Host-gatehouse-held' : 'gatehouse-held');

function keyFor(sessionToken: string): Buffer {
  return Buffer.from(hkdfSync('sha256', sessionToken, Buffer.alloc(0), 'gatehouse portal flash v1', 32));
}

export function sealFlash(flash: Flash, sessionToken: string, now: number): string {
  return seal({ exp: now + FLASH_TTL_MS, flash }, sessionToken);
}

function seal(payload: unknown, sessionToken: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(sessionToken), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

export function openFlash(sealed: string, sessionToken: string, now: number): Flash | null {
  const parsed = open<{ exp: number; flash: Flash }>(sealed, sessionToken);
  return parsed && parsed.exp > now ? parsed.flash : null;
}

function open<T>(sealed: string, sessionToken: string): T | null {
  try {
    const raw = Buffer.from(sealed, 'base64url');
    if (raw.length < 29) return null;
    const decipher = createDecipheriv('aes-256-gcm', keyFor(sessionToken), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/** Sets the flash for the next page; a session cookie (no Max-Age) so browsers do not keep it on disk. */
export function setFlash(reply: FastifyReply, flash: Flash, options: { sessionToken: string; secure: boolean; now: number }): void {
  reply.header('set-cookie', serializeCookie(cookieName(options.secure), sealFlash(flash, options.sessionToken, options.now), { secure: options.secure, sameSite: 'Strict' }));
}

/** Reads and clears the flash: each value is shown by exactly one page. */
export function takeFlash(request: FastifyRequest, reply: FastifyReply, options: { sessionToken: string | undefined; secure: boolean; now: number }): Flash | null {
  const sealed = parseCookies(request.headers.cookie).get(cookieName(options.secure));
  if (sealed === undefined) return null;
  reply.header('set-cookie', clearCookie(cookieName(options.secure), options.secure));
  return options.sessionToken ? openFlash(sealed, options.sessionToken, options.now) : null;
}

/**
 * A one-time value the page keeps showing until the developer confirms they copied it (issue 15 §3):
 * Generate Access Token, a reload or another action on the same page must not lose a consumer secret
 * nobody has copied yet. It is sealed like the flash, bound to one page path, and sent back by the
 * browser until that page's "I have copied it" form releases it (or it expires). Other pages ignore it.
 */
export interface Held {
  path: string;
  reveal: Reveal;
}

export function holdReveal(reply: FastifyReply, held: Held, options: { sessionToken: string; secure: boolean; now: number }): void {
  const sealed = seal({ exp: options.now + HELD_TTL_MS, held }, options.sessionToken);
  reply.header('set-cookie', serializeCookie(heldCookieName(options.secure), sealed, { secure: options.secure, sameSite: 'Strict' }));
}

export function releaseHeld(reply: FastifyReply, secure: boolean): void {
  reply.header('set-cookie', clearCookie(heldCookieName(secure), secure));
}

/** The reveal held for `path`, if any (the cookie stays: only the release form clears it). */
export function readHeld(request: FastifyRequest, path: string, options: { sessionToken: string | undefined; now: number; secure: boolean }): Reveal | null {
  const sealed = parseCookies(request.headers.cookie).get(heldCookieName(options.secure));
  if (sealed === undefined || !options.sessionToken) return null;
  const parsed = open<{ exp: number; held: Held }>(sealed, options.sessionToken);
  return parsed && parsed.exp > options.now && parsed.held.path === path ? parsed.held.reveal : null;
}
