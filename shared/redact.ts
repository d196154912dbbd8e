/**
 * Keeping secrets out of logs and error messages: header values that carry credentials are
 * replaced before a request is described, and the config's secret values (see
 * `configSecrets` in config.ts) are replaced wherever they would appear in a printed line.
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

/** Secret values shorter than this are not searched for in text: too many false matches. */
export const MIN_SECRET_LENGTH = 4;

/**
 * Creates a function that replaces every occurrence of the given secret values in a text with
 * {@linkcode REDACTED}, also where they appear JSON-escaped (a log line in JSON format, a quoted
 * value in a message). Values shorter than {@linkcode MIN_SECRET_LENGTH} are left alone. Longer
 * forms are replaced first, so that a secret containing a shorter one is hidden whole, not
 * around the shorter one. The forms are worked out once, here, not per text.
 *
 * @param secrets The values to hide.
 * @returns The redacting function.
 */
export function secretRedactor(secrets: readonly string[]): (text: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    // as written, and as it appears inside a JSON string (quotes and backslashes escaped)
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  const longestFirst = [...forms].sort((a, b) => b.length - a.length);
  return function redact(text: string): string {
    let out = text;
    for (const form of longestFirst) {
      if (out.includes(form)) out = out.replaceAll(form, REDACTED);
    }
    return out;
  };
}

/**
 * Replaces the given secret values in one text; see {@linkcode secretRedactor}, which a caller
 * redacting many texts should keep instead.
 *
 * @param text E.g. an error message.
 * @param secrets The values to hide.
 * @returns The text without them.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  return secretRedactor(secrets)(text);
}
