/**
 * Keeping secrets out of logs: header values that carry credentials are replaced before a
 * request is described.
 *
 * @module
 */

/** Header names whose values are always redacted, lowercase. */
const SECRET_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "api-key",
  "x-auth-token",
]);

/** Header names that look like credentials (`X-Vendor-Token`, `X-Secret`, ...). */
const SECRET_NAME = /token|secret|password|passwd|api[-_]?key|signature|credential|session/i;

/** What redacted values are replaced with. */
export const REDACTED = "[redacted]";

/**
 * Tells whether a header's value must not be logged.
 *
 * @param name The header name, any case.
 * @returns True for credential headers.
 */
export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase()) || SECRET_NAME.test(name);
}

/**
 * Copies headers with credential values replaced by {@linkcode REDACTED}.
 *
 * @param headers Header names to values.
 * @returns The safe-to-log copy.
 */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = isSecretHeader(name) ? REDACTED : value;
  }
  return out;
}

/**
 * Removes credentials from a URL for logging: user info and query values of secret-looking keys.
 *
 * @param url An absolute URL.
 * @returns The URL with those parts replaced by {@linkcode REDACTED}.
 */
export function redactUrl(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.username || parsed.password) {
    parsed.username = REDACTED;
    parsed.password = "";
  }
  for (const key of [...parsed.searchParams.keys()]) {
    if (SECRET_NAME.test(key) || /^(key|sig|auth)$/i.test(key)) {
      parsed.searchParams.set(key, REDACTED);
    }
  }
  return parsed.toString();
}
