/**
 * The form of a username used for uniqueness, sign-in and throttling: Unicode NFKC, then lower case,
 * so `ADMIN`, `Admin` and `ａｄｍｉｎ` (full-width) are all the account `admin`. The username as typed
 * at creation is kept for display.
 */
export const normalizeUsername = (username: string): string => username.normalize('NFKC').toLowerCase();
