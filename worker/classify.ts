/**
 * What a vendor's answer means for the delivery: done, try again later, or give up now.
 *
 * | outcome                                     | verdict     |
 * | ------------------------------------------- | ----------- |
 * | 2xx                                         | `delivered` |
 * | connection error, timeout, 408, 429, 5xx    | `retry`     |
 * | other 1xx/3xx/4xx, or a request that cannot be rendered | `permanent` (dead-lettered at once) |
 *
 * Redirects are not followed (a vendor API that redirects a POST is misconfigured, and following
 * it could leak the rendered headers to another host), so a 3xx is permanent.
 *
 * @module
 */

/** What became of one attempt. */
export type AttemptResult =
  | { kind: "response"; status: number; retryAfter?: string | null; body?: string }
  | { kind: "network_error"; message: string }
  | { kind: "timeout"; timeoutMs: number };

/** The decision for a delivery after an attempt. */
export type Verdict = "delivered" | "retry" | "permanent";

/**
 * Classifies an attempt.
 *
 * @param result What happened.
 * @returns Whether the delivery is done, should be retried, or can never succeed.
 */
export function classify(result: AttemptResult): Verdict {
  if (result.kind !== "response") return "retry";
  const { status } = result;
  if (status >= 200 && status < 300) return "delivered";
  if (status === 408 || status === 429 || status >= 500) return "retry";
  return "permanent";
}

/**
 * Parses a `Retry-After` header: delay-seconds or an HTTP date.
 *
 * @param value The header value.
 * @param now The current time in ms, for dates.
 * @returns The delay in ms (never negative), or undefined when absent or malformed.
 */
export function retryAfterMs(
  value: string | null | undefined,
  now = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date) || !/[a-z]/i.test(text)) return undefined;
  return Math.max(0, date - now);
}
