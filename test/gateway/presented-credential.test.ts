import { describe, expect, it } from 'vitest';
import { presentedCredential } from '../../src/gateway/credentials.ts';

const bearer = (authorization: string, query = '') => presentedCredential({ authorization }, query);

describe('presentedCredential (SPEC §5, RFC 6750 §2.1)', () => {
  it('reads a bearer token whatever the scheme case and however many spaces follow it', () => {
    expect(bearer('Bearer abc.def-ghi_~+/==')).toEqual({ kind: 'bearer', token: 'abc.def-ghi_~+/==' });
    expect(bearer('bEaReR   abc')).toEqual({ kind: 'bearer', token: 'abc' });
  });

  it('answers invalid_request for a bearer header without a well-formed token', () => {
    for (const value of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer a=b', 'Bearer a,b', `Bearer ${'a'.repeat(16_385)}`]) {
      expect(bearer(value).kind, value).toBe('malformed');
    }
  });

  it('treats another scheme (or a scheme run into its token) as no credential, or falls back to the apikey header', () => {
    expect(bearer('Basic dXNlcjpwYXNz')).toEqual({ kind: 'none' });
    expect(bearer('Bearer\tabc')).toEqual({ kind: 'none' });
    expect(bearer('Bearerabc')).toEqual({ kind: 'none' });
    expect(presentedCredential({ authorization: 'Basic dXNlcjpwYXNz', apikey: ' key ' }, '')).toEqual({ kind: 'apikey', key: 'key' });
  });

  it('refuses credentials sent twice or also in the query string (G04)', () => {
    expect(presentedCredential({ authorization: ['Bearer a', 'Bearer b'] } as never, '').kind).toBe('malformed');
    expect(presentedCredential({ apikey: ['a', 'b'] } as never, '').kind).toBe('malformed');
    expect(bearer('Bearer abc', 'x=1&access_token=abc').kind).toBe('malformed');
    expect(bearer('Bearer abc', 'my_access_token=abc')).toEqual({ kind: 'bearer', token: 'abc' });
  });

  it('says so when nothing is presented, and refuses an empty apikey', () => {
    expect(presentedCredential({}, '')).toEqual({ kind: 'none' });
    expect(presentedCredential({ apikey: '   ' }, '').kind).toBe('malformed');
  });
});
