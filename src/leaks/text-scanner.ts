import { MAX_CREDENTIAL_LENGTH, findCredentials, type CredentialMatch } from './credential-pattern.ts';

/** Bytes git looks at to decide a file is binary (a NUL among them); we do the same. */
const BINARY_SNIFF_BYTES = 8000;
/** Kept from one chunk to the next: a whole credential plus the characters either side of it. */
const CARRY = MAX_CREDENTIAL_LENGTH + 2;

export interface LocatedMatch extends CredentialMatch {
  line: number;
  column: number;
}

export const looksBinary = (head: Buffer): boolean => head.subarray(0, BINARY_SNIFF_BYTES).includes(0);

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/**
 * Scans a byte stream fed in chunks of any size: each chunk is decoded as latin1 (one character per
 * byte, no validation cost) and searched in one regex pass together with the tail of the previous
 * chunk, so a credential cut in two is still found, and found once. Lines are counted only where
 * needed: up to a match, and across the part of a chunk that is left behind.
 */
export class TextScanner {
  private carry = '';
  private lineAtWindow = 1;
  /** Characters of the current line before the window starts (its line began in an earlier chunk). */
  private columnAtWindow = 0;

  push(chunk: Buffer, final: boolean): LocatedMatch[] {
    const window = this.carry + chunk.toString('latin1');
    const carried = this.carry.length;
    const out: LocatedMatch[] = [];
    let line = this.lineAtWindow;
    let counted = 0;
    for (const match of findCredentials(window)) {
      const end = match.index + match.value.length;
      // Matches ending inside the carried tail were judged with the previous chunk; one touching the end
      // of a non-final window waits for the next chunk, which decides its right-hand boundary.
      if (end < carried || (!final && end >= window.length)) continue;
      line += countNewlines(window, counted, match.index);
      counted = match.index;
      const newline = match.index === 0 ? -1 : window.lastIndexOf('\n', match.index - 1);
      const column = newline === -1 ? this.columnAtWindow + match.index + 1 : match.index - newline;
      out.push({ ...match, line, column });
    }
    if (!final) {
      const keepFrom = Math.max(0, window.length - CARRY);
      this.lineAtWindow += countNewlines(window, 0, keepFrom);
      const newline = keepFrom === 0 ? -1 : window.lastIndexOf('\n', keepFrom - 1);
      this.columnAtWindow = newline === -1 ? this.columnAtWindow + keepFrom : keepFrom - newline - 1;
      this.carry = window.slice(keepFrom);
    }
    return out;
  }
}
