/**
 * Checks shared by the spec schema for values that end up verbatim in generated files: URLs
 * (which must carry no secret, since the files are committed), secret-file paths (which are
 * mounted into the compose stack) and ports.
 */

export function isPort(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** Hosts whose URLs are themselves credentials: whoever has the URL can post. */
const secretUrlHosts: readonly { readonly host: RegExp; readonly what: string; readonly field: string }[] = [
  { host: /^hooks\.slack\.com$/i, what: 'a Slack webhook URL', field: 'a slack receiver with apiUrlFile' },
  { host: /^(?:[a-z0-9-]+\.)*webhook\.office\.com$/i, what: 'a Microsoft Teams webhook URL', field: 'a URL read from a file' },
  { host: /^discord(?:app)?\.com$/i, what: 'a Discord webhook URL', field: 'a URL read from a file' },
];

/** Query parameters that are credentials by name. */
const secretParameter = /(?:^|[?&])(?:access_?token|api_?key|apikey|auth|key|password|passwd|pwd|secret|sig|signature|token)=/i;

/**
 * Why a URL cannot be written into a generated file, or undefined when it can: it must be
 * http(s), and hold no user:password, no webhook-style secret and no secret query parameter.
 */
export function plainUrlProblem(text: string): string | undefined {
  if (text.length > 2048) return 'expected an http(s) URL of at most 2048 characters';
  if (!/^https?:\/\/[^\s/?#]+[^\s]*$/i.test(text)) return 'expected an http(s) URL';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'expected an http(s) URL';
  }
  // Checked on the text too: URL() drops an empty password ("user:@host").
  if (url.username !== '' || url.password !== '' || /^https?:\/\/[^/?#]*@/i.test(text)) {
    return 'a URL must not hold credentials ("user:password@"); they would be written into a committed file';
  }
  const secretHost = secretUrlHosts.find((entry) => entry.host.test(url.hostname));
  if (secretHost !== undefined && url.pathname.length > 1) {
    return `this is ${secretHost.what}, which is a secret; use ${secretHost.field} instead`;
  }
  if (secretParameter.test(url.search)) return 'a URL must not carry a secret query parameter (token, key, password, ...); it would be written into a committed file';
  return undefined;
}

/**
 * Why a runbook URL template cannot be used, or undefined: an http(s) URL with `{alert}` exactly
 * once and no other braces. Anything else (`{{ }}` in particular) would reach Prometheus as a
 * template in the runbook_url annotation.
 */
export function runbookTemplateProblem(template: string): string | undefined {
  const expected = 'expected an http(s) URL template containing "{alert}" exactly once, e.g. "https://example.com/runbooks/{alert}.md"';
  if (template.split('{alert}').length !== 2) return expected;
  const rest = template.replace('{alert}', 'alert');
  if (/[{}$]/.test(rest)) return `${expected}; no other "{", "}" or "$" (they would be read as a template)`;
  const urlProblem = plainUrlProblem(rest);
  return urlProblem === 'expected an http(s) URL' ? expected : urlProblem;
}

/** Host paths that expose the machine itself rather than a secret file. */
const forbiddenSecretRoots = ['/proc', '/sys', '/dev'];

/**
 * A secret file is mounted read-only into a container as given, so it must be exactly one file
 * path: absolute, normalised (no "." or ".." segment, no "//", no trailing "/"), of plain
 * characters, outside the kernel's pseudo file systems.
 */
export function isAllowedSecretFile(path: string): boolean {
  if (path.length > 1024 || !/^(?:\/[A-Za-z0-9_.-]+)+$/.test(path)) return false;
  const segments = path.split('/').slice(1);
  if (segments.some((segment) => segment === '.' || segment === '..')) return false;
  return !forbiddenSecretRoots.some((root) => path === root || path.startsWith(`${root}/`));
}
