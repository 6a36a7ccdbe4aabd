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
  | { kind: 'keys'; consumerKey: string; consumerSecret: string }
  | { kind: 'secret'; value: string; regenerated: boolean }
  | { kind: 'token'; accessToken: string; expiresIn: number | null; scopes: string[] }
  | { kind: 'apiKey'; name: string; value: string; expiresAt: number | null };

export interface Flash {
  notice?: string;
  reveal?: Reveal;
}

const FLASH_TTL_MS = 5 * 60_000;
const cookieName = (secure: boolean): string => (secure ? '__Host-gatehouse-flash' : 'gatehouse-flash');

function keyFor(sessionToken: string): Buffer {
  return Buffer.from(hkdfSync('sha256', sessionToken, Buffer.alloc(0), 'gatehouse portal flash v1', 32));
}

export function sealFlash(flash: Flash, sessionToken: string, now: number): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(sessionToken), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify({ exp: now + FLASH_TTL_MS, flash }), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

export function openFlash(sealed: string, sessionToken: string, now: number): Flash | null {
  try {
    const raw = Buffer.from(sealed, 'base64url');
    if (raw.length < 29) return null;
    const decipher = createDecipheriv('aes-256-gcm', keyFor(sessionToken), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    const parsed = JSON.parse(text) as { exp: number; flash: Flash };
    return parsed.exp > now ? parsed.flash : null;
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
