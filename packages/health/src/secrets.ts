/**
 * Secret masking for everything @vigil/health prints or serves: diagnostics JSON, start-up
 * errors, shutdown logs, CLI output. Drivers echo connection strings in their errors, so
 * masking is applied to error messages too, not only to configuration we format ourselves.
 */

export const MASK = '***';

/** Values known to be secret (passwords taken from driver configuration); masked wherever they appear. */
const knownSecrets = new Set<string>();

/**
 * Registers a literal secret so it is masked even where no pattern would recognise it
 * (a driver error that quotes the bare password). Values shorter than 4 characters are
 * ignored: masking every "a" in a message would destroy it and protect nothing.
 */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value === 'string' && value.length >= 4) knownSecrets.add(value);
}

const secretKeys = '(?:password|passwd|pwd|pass|secret|token|access_token|refresh_token|api[_-]?key|apikey|auth)';

const patterns: ReadonlyArray<readonly [RegExp, string]> = [
  // JSON-style "password": "value"
  [new RegExp(`("[A-Za-z0-9_-]*${secretKeys}"\\s*:\\s*")((?:[^"\\\\]|\\\\.)*)(")`, 'gi'), `$1${MASK}$3`],
  // key='quoted value' / key="quoted value" in libpq-style connection strings (also PGPASSWORD=, db_password=)
  [new RegExp(`((?<![A-Za-z0-9])[A-Za-z0-9_-]*${secretKeys}\\s*[=:]\\s*)('(?:[^'\\\\]|\\\\.)*'|"(?:[^"\\\\]|\\\\.)*")`, 'gi'), `$1${MASK}`],
  // key=value (and key: value) in connection strings, query strings and logs
  [new RegExp(`((?<![A-Za-z0-9])[A-Za-z0-9_-]*${secretKeys}\\s*(?:=|:(?!//))\\s*)([^\\s&;,'"]+)`, 'gi'), `$1${MASK}`],
  // Authorization headers and bare bearer tokens
  [/(\b(?:bearer|basic)\s+)([A-Za-z0-9\-._~+/]+=*)/gi, `$1${MASK}`],
];

/** A run of characters that can belong to one URL or connection string. */
const urlLikeToken = /[^\s'"<>`]*@[^\s'"<>`]*/g;
const schemePrefix = /^[a-z][a-z0-9+.-]*:\/*/i;

/**
 * Masks the password of anything shaped like `[scheme:][//]user:password@host`, well formed or
 * not (`postgresql:/u:pw@h`, `postgresql:u:pw@h`, `u:pw@h`, a password holding "@" or ":"):
 * everything between the first ":" after the user and the last "@" of the token is the
 * password. Over-masking an odd token is the safe failure; leaking a password is not.
 */
function maskUserinfo(token: string): string {
  const at = token.lastIndexOf('@');
  // Brackets around a URL in a message ("(postgres://u:pw@h/db)") are not part of its scheme.
  const lead = /^[([{]+/.exec(token)?.[0].length ?? 0;
  const head = token.slice(lead, at);
  const scheme = schemePrefix.exec(head)?.[0] ?? '';
  const rest = scheme !== '' && head.slice(scheme.length).includes(':') ? head.slice(scheme.length) : head;
  const colon = rest.indexOf(':');
  if (colon < 0) return token;
  const keep = lead + head.length - rest.length + colon + 1;
  if (keep === at) return token; // "user:@host": nothing to hide
  return `${token.slice(0, keep)}${MASK}${token.slice(at)}`;
}

/** Returns `text` with passwords in URLs and connection strings, tokens and registered secrets replaced by `***`. */
export function maskSecrets(text: string): string {
  let masked = text;
  for (const secret of knownSecrets) {
    if (masked.includes(secret)) masked = masked.split(secret).join(MASK);
  }
  // Named keys first: a query-string token with "@" in its value is then already masked.
  for (const [pattern, replacement] of patterns) masked = masked.replace(pattern, replacement);
  return masked.replace(urlLikeToken, maskUserinfo);
}

/** A one-line, masked description of anything thrown: message plus error code when the driver sets one. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    // AggregateError (e.g. ECONNREFUSED on both ::1 and 127.0.0.1) has no message of its own.
    const nested = (error as { errors?: unknown }).errors;
    if (!error.message && Array.isArray(nested) && nested.length > 0) {
      return maskSecrets([...new Set(nested.map(describeError))].join('; '));
    }
    const base = error.message || error.name;
    const withCode = typeof code === 'string' && !base.includes(code) ? `${base} (${code})` : base;
    return maskSecrets(withCode);
  }
  return maskSecrets(String(error));
}

/** Masks the password of a URL while keeping it useful for humans (`postgres://app:***@db:5432/app`). */
export function maskUrl(url: string): string {
  return maskSecrets(url);
}
