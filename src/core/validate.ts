import { invalid } from './errors.ts';

/** Field validators shared by the domain services; each throws a VALIDATION error naming the field. */

// C0/C1 controls, DEL, and Unicode bidi overrides that can disguise names (S04).
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

export function text(field: string, value: unknown, options: { min?: number; max: number; multiline?: boolean }): string {
  if (typeof value !== 'string') throw invalid(field, `${field} must be a string`);
  const trimmed = value.trim();
  if (trimmed.length < (options.min ?? 0)) throw invalid(field, options.min === 1 ? `${field} is required` : `${field} must have at least ${options.min} characters`);
  if (trimmed.length > options.max) throw invalid(field, `${field} must have at most ${options.max} characters`);
  const checked = options.multiline ? trimmed.replace(/[\r\n\t]/g, ' ') : trimmed;
  if (CONTROL.test(checked)) throw invalid(field, `${field} must not contain control characters`);
  return trimmed;
}

export function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalid(field, `${field} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

export function integer(field: string, value: unknown, options: { min?: number; max?: number } = {}): number {
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw invalid(field, `${field} must be a whole number`);
  if (options.min !== undefined && n < options.min) throw invalid(field, `${field} must be at least ${options.min}`);
  if (options.max !== undefined && n > options.max) throw invalid(field, `${field} must be at most ${options.max}`);
  return n;
}

export function httpUrl(field: string, value: unknown): string {
  const s = text(field, value, { min: 1, max: 2000 });
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    throw invalid(field, `${field} must be an absolute http(s) URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(field, `${field} must be an absolute http(s) URL`);
  if (url.username || url.password) throw invalid(field, `${field} must not contain credentials`);
  return s.replace(/\/+$/, '');
}

export function stringMap(field: string, value: unknown, options: { maxEntries: number; maxLength: number }): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(field, `${field} must be an object of strings`);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > options.maxEntries) throw invalid(field, `${field} may have at most ${options.maxEntries} entries`);
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    out[text(`${field}.key`, k, { min: 1, max: 100 })] = text(`${field}.${k}`, v, { max: options.maxLength });
  }
  return out;
}
