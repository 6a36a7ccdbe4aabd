import { request as httpRequest } from 'node:http';

/** Small HTTP helpers over fetch for endpoint tests. */

export const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

export interface FormResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

export async function postForm(url: string, params: Record<string, string> | string, headers: Record<string, string> = {}): Promise<FormResponse> {
  const body = typeof params === 'string' ? params : new URLSearchParams(params).toString();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
    redirect: 'manual',
  });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = {};
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

export async function getJson(url: string, headers: Record<string, string> = {}): Promise<FormResponse> {
  const response = await fetch(url, { headers, redirect: 'manual' });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = {};
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h!, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>,
  };
}

/**
 * POSTs a form from another loopback address (127.0.0.0/8 is all loopback on Linux), so throttling per
 * client address can be tested without trusting proxy headers. `rawBody` replaces the form (e.g. JSON).
 */
export function postFormFrom(localAddress: string, url: string, params: Record<string, string>, headers: Record<string, string> = {}, rawBody?: string): Promise<FormResponse> {
  const target = new URL(url);
  const body = rawBody ?? new URLSearchParams(params).toString();
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', localAddress, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let parsed: Record<string, unknown> = {};
          try {
            parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
          } catch {
            parsed = {};
          }
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(response.headers)) if (typeof value === 'string') responseHeaders.set(name, value);
          resolve({ status: response.statusCode ?? 0, headers: responseHeaders, body: parsed, text });
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
