/**
 * One delivery of one event to one rule's vendor: render the request, send it, classify the
 * answer. A connection error is retried once at once, and a short `Retry-After` is waited out,
 * inside the delivery; everything else is left to RocketMQ's redelivery.
 *
 * @module
 */

import type { NotificationRule } from "../shared/config.ts";
import { sleep } from "../shared/deadline.ts";
import type { Envelope } from "../shared/event.ts";
import { type RenderedRequest, renderRequest } from "../shared/request_template.ts";
import { RenderError } from "../shared/template.ts";
import { type AttemptResult, classify, retryAfterMs, type Verdict } from "./classify.ts";

/** One HTTP attempt, for logging. */
export interface AttemptReport {
  /** 1 for the first attempt of this delivery, 2 for a local retry. */
  localAttempt: number;
  /** What happened. */
  result: AttemptResult;
  /** How long it took, in ms. */
  durationMs: number;
  /** The verdict of this attempt alone. */
  verdict: Verdict;
}

/** The outcome of a delivery. */
export interface DeliveryReport {
  /** Delivered, worth retrying later, or never deliverable. */
  verdict: Verdict;
  /** Why, in a few words (status, error or render problem). */
  reason: string;
  /** The vendor's `Retry-After`, in ms, when it sent one with a retryable answer. */
  retryAfterMs?: number;
}

/** Options for {@linkcode deliver}. */
export interface DeliverOptions {
  /** The HTTP client (default `fetch`). */
  fetch?: typeof fetch;
  /** Called after each attempt. */
  onAttempt?: (attempt: AttemptReport, request: RenderedRequest) => void;
  /** Longest `Retry-After` waited out inside the delivery, in ms (default 5000). */
  maxLocalWaitMs?: number;
  /** Pause before the local retry of a connection error, in ms (default 200). */
  networkRetryDelayMs?: number;
  /** Aborts waiting (not a request already sent); used at shutdown. */
  signal?: AbortSignal;
}

/** How many bytes of a vendor's answer are kept for the log. */
const BODY_EXCERPT = 200;

/**
 * Delivers one event to one rule's vendor.
 *
 * @param rule The notification rule.
 * @param envelope The event.
 * @param options HTTP client, attempt callback and local retry bounds.
 * @returns The verdict and its reason.
 */
export async function deliver(
  rule: NotificationRule,
  envelope: Envelope,
  options: DeliverOptions = {},
): Promise<DeliveryReport> {
  let request: RenderedRequest;
  try {
    request = renderRequest(rule.request, envelope);
  } catch (error) {
    if (error instanceof RenderError) {
      return { verdict: "permanent", reason: `cannot render the request: ${error.message}` };
    }
    throw error;
  }
  const send = options.fetch ?? fetch;
  const maxLocalWaitMs = options.maxLocalWaitMs ?? 5000;
  let networkRetried = false;
  let waitedRetryAfter = false;
  for (let localAttempt = 1;; localAttempt++) {
    const started = performance.now();
    const result = await attempt(send, request, rule.timeout_ms);
    const verdict = classify(result);
    const durationMs = Math.round(performance.now() - started);
    options.onAttempt?.({ localAttempt, result, durationMs, verdict }, request);
    const reason = describe(result);
    if (verdict !== "retry") return { verdict, reason };
    if (result.kind === "network_error" && !networkRetried) {
      networkRetried = true;
      if (await sleep(options.networkRetryDelayMs ?? 200, options.signal)) continue;
    }
    const wait = result.kind === "response" ? retryAfterMs(result.retryAfter) : undefined;
    if (wait !== undefined && wait <= maxLocalWaitMs && !waitedRetryAfter) {
      waitedRetryAfter = true;
      if (await sleep(wait, options.signal)) continue;
    }
    return wait === undefined ? { verdict, reason } : { verdict, reason, retryAfterMs: wait };
  }
}

async function attempt(
  send: typeof fetch,
  request: RenderedRequest,
  timeoutMs: number,
): Promise<AttemptResult> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await send(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: "manual",
      signal,
    });
    const excerpt = await readExcerpt(response);
    return {
      kind: "response",
      status: response.status,
      retryAfter: response.headers.get("retry-after"),
      ...(excerpt ? { body: excerpt } : {}),
    };
  } catch (error) {
    if (signal.aborted) return { kind: "timeout", timeoutMs };
    return { kind: "network_error", message: (error as Error).message };
  }
}

async function readExcerpt(response: Response): Promise<string> {
  if (response.body === null) return "";
  const reader = response.body.getReader();
  try {
    const { value } = await reader.read();
    return value ? new TextDecoder().decode(value.subarray(0, BODY_EXCERPT)) : "";
  } catch {
    return "";
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/**
 * Describes an attempt's result in a few words.
 *
 * @param result The result.
 * @returns E.g. `HTTP 503`, `timeout after 10000 ms`, `network error: connection refused`.
 */
export function describe(result: AttemptResult): string {
  switch (result.kind) {
    case "response":
      return `HTTP ${result.status}`;
    case "timeout":
      return `timeout after ${result.timeoutMs} ms`;
    case "network_error":
      return `network error: ${result.message}`;
  }
}
