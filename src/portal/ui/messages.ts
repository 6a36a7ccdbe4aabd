/**
 * Error messages that speak to people (issue 15 §7). The services name the API field an error
 * concerns ("validityPeriod must be a whole number"), which suits REST clients; the portal says the
 * same with the label the person sees beside the field, and with units.
 */

interface FieldWording {
  label: string;
  unit?: string;
}

const SECONDS = 'seconds';

const FIELDS: Record<string, FieldWording> = {
  validityPeriod: { label: 'Validity period', unit: SECONDS },
  application_access_token_expiry_time: { label: 'Application access token expiry time', unit: SECONDS },
  user_access_token_expiry_time: { label: 'User access token expiry time', unit: SECONDS },
  refresh_token_expiry_time: { label: 'Refresh token expiry time', unit: SECONDS },
  expiresIn: { label: 'Expires in', unit: SECONDS },
  callbackUrl: { label: 'Callback URL' },
  grantTypesToBeSupported: { label: 'Grant types' },
  keyName: { label: 'Key name' },
  permittedIP: { label: 'Permitted IP addresses' },
  permittedReferer: { label: 'Permitted HTTP referrers' },
  username: { label: 'Username' },
  password: { label: 'Password' },
  currentPassword: { label: 'Current password' },
  confirmPassword: { label: 'Confirm password' },
  name: { label: 'Name' },
  description: { label: 'Description' },
  displayName: { label: 'Display name' },
  context: { label: 'Context' },
  version: { label: 'Version' },
  productionUrl: { label: 'Production endpoint' },
  sandboxUrl: { label: 'Sandbox endpoint' },
  throttlingPolicy: { label: 'Tier' },
  policyName: { label: 'Name' },
  requestCount: { label: 'Request count' },
  unitTime: { label: 'Unit time' },
  scopes: { label: 'Scopes' },
  roles: { label: 'Roles' },
  target: { label: 'URL template' },
};

/** Other raw names that appear inside messages. */
const WORDS: ReadonlyArray<[RegExp, string]> = [
  [/\bauthorization_code grant\b/g, 'Code grant'],
  [/\bclient_credentials grant\b/g, 'Client Credentials grant'],
  [/\bcallbackUrl\b/g, 'callback URL'],
];

const capitalise = (s: string): string => (s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1));

export function humanMessage(field: string | undefined, message: string): string {
  const wording = field ? FIELDS[field] : undefined;
  let text = wording && field && message.startsWith(`${field} `) ? `${wording.label}${message.slice(field.length)}` : message;
  if (wording?.unit) {
    text = text
      .replace(/must be a whole number(?! of)/, `must be a whole number of ${wording.unit}`)
      .replace(/must be (at least|at most) (-?\d+)$/, `must be $1 $2 ${wording.unit}`);
  }
  for (const [pattern, words] of WORDS) text = text.replace(pattern, words);
  return capitalise(text.endsWith('.') ? text : `${text}.`);
}
