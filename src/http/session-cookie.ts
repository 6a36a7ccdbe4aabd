import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { constantTimeEqual } from '../core/credentials.ts';
import { clearCookie, parseCookies, serializeCookie } from './cookies.ts';

/** `__Host-` binds the cookie to this exact origin over TLS (P02); plain HTTP cannot use the prefix. */
export const sessionCookieName = (secure: boolean): string => (secure ? '__Host-gatehouse-session' : 'gatehouse-session');
const preAuthCookieName = (secure: boolean): string => (secure ? '__Host-gatehouse-csrf' : 'gatehouse-csrf');

export function readSessionToken(request: FastifyRequest, secure: boolean): string | undefined {
  return parseCookies(request.headers.cookie).get(sessionCookieName(secure));
}

export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean, maxAgeSeconds: number): void {
  reply.header('set-cookie', serializeCookie(sessionCookieName(secure), token, { secure, maxAgeSeconds, sameSite: 'Lax' }));
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.header('set-cookie', clearCookie(sessionCookieName(secure), secure));
}

/**
 * CSRF protection for forms shown before sign-in (login, sign-up): a double-submit token in a
 * SameSite=Strict cookie and a hidden field. Returns the token to embed in the form.
 */
export function issuePreAuthToken(request: FastifyRequest, reply: FastifyReply, secure: boolean): string {
  const existing = parseCookies(request.headers.cookie).get(preAuthCookieName(secure));
  const token = existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : randomBytes(32).toString('base64url');
  reply.header('set-cookie', serializeCookie(preAuthCookieName(secure), token, { secure, sameSite: 'Strict' }));
  return token;
}

export function checkPreAuthToken(request: FastifyRequest, secure: boolean, submitted: string | undefined): boolean {
  const cookie = parseCookies(request.headers.cookie).get(preAuthCookieName(secure));
  return cookie !== undefined && submitted !== undefined && constantTimeEqual(cookie, submitted);
}

/** Rejects cross-site form posts by their Origin (or Referer) header when the browser sends one (P01). */
export function isSameOrigin(request: FastifyRequest, publicOrigins: readonly string[]): boolean {
  const origin = request.headers.origin ?? refererOrigin(request.headers.referer);
  if (origin === undefined) return true;
  const host = request.headers.host;
  const own = host ? [`http://${host}`, `https://${host}`] : [];
  return [...publicOrigins, ...own].includes(origin);
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return 'invalid';
  }
}
