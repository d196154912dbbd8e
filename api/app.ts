/**
 * The API's HTTP handler: `POST /events` into RocketMQ, plus health endpoints. Answers 202 only
 * after the broker acknowledged the event on every topic it goes to.
 *
 * @module
 */

import { type Config, rulesFor } from "../shared/config.ts";
import { createEnvelope, type Envelope, validateEventInput } from "../shared/event.ts";
import { jsonResponse as json } from "../shared/http.ts";
import type { Logger } from "../shared/log.ts";
import { metricsResponse } from "../shared/metrics.ts";
import type { EventPublisher } from "../shared/mq/producer.ts";
import { jsonSyntaxMessage, type Problem } from "../shared/validation.ts";
import { readBody } from "./body.ts";
import { type ApiMetrics, routeLabel } from "./metrics.ts";
import type { RecentEvents } from "./recent_events.ts";

/** Everything the handler needs. */
export interface AppOptions {
  /** The validated config: which event types go to which topics. */
  config: Config;
  /** Publishes envelopes to RocketMQ. */
  publisher: EventPublisher;
  /** Which topics already stored recent event ids. */
  recent: RecentEvents;
  /** Request logging. */
  logger: Logger;
  /** Where requests, publishes and accepted events are counted. */
  metrics: ApiMetrics;
  /** Largest accepted body, in bytes. */
  maxBodyBytes: number;
  /** Bytes of bodies handled at once before further POSTs get 503 (default unlimited). */
  maxInflightBytes?: number;
  /** Deadline for receiving a body, in ms. */
  bodyTimeoutMs: number;
  /** `Retry-After` of 503 answers, in seconds. */
  retryAfterSeconds: number;
}

/** The JSON body of every error answer. */
export interface ErrorBody {
  /** What went wrong, in one lowercase sentence. */
  error: string;
  /** Each offending field and why. */
  details: Problem[];
  /** The event id, when one was assigned (to retry with). */
  id?: string;
}

const ROUTES: Record<string, string[]> = {
  "/events": ["POST"],
  "/healthz": ["GET", "HEAD"],
  "/readyz": ["GET", "HEAD"],
  "/metrics": ["GET", "HEAD"],
};

/** Decodes request bodies; `fatal` makes invalid UTF-8 an error instead of U+FFFD. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** The topics of an event nobody could have sent before. */
const NOTHING_STORED: ReadonlySet<string> = new Set();

/**
 * The path of a request's absolute URL, without its query: what `new URL(url).pathname` gives
 * for the URLs an HTTP server builds, at a fraction of the cost (no parsing, no normalising).
 *
 * @param url An absolute URL such as `http://host:8080/events?x=1`.
 * @returns Its path, e.g. `/events`; `/` when it has none.
 */
export function pathOf(url: string): string {
  const scheme = url.indexOf("://");
  let start = scheme < 0 ? 0 : scheme + 3;
  while (start < url.length && url[start] !== "/" && url[start] !== "?" && url[start] !== "#") {
    start++;
  }
  if (url[start] !== "/") return "/";
  const query = url.indexOf("?", start);
  const fragment = url.indexOf("#", start);
  const end = Math.min(query < 0 ? url.length : query, fragment < 0 ? url.length : fragment);
  return url.slice(start, end);
}

function fail(
  status: number,
  error: string,
  details: Problem[] = [],
  headers: Record<string, string> = {},
): Response {
  const body: ErrorBody = { error, details };
  return json(status, body, headers);
}

function isJsonMediaType(contentType: string | null): boolean {
  if (contentType === null) return false;
  const [type, ...params] = contentType.split(";").map((part) => part.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith("charset="))?.slice("charset=".length);
  const jsonType = type === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(type);
  return jsonType && (charset === undefined || charset.replaceAll('"', "") === "utf-8");
}

/**
 * Creates the request handler.
 *
 * @param options Config, publisher, idempotency memory, logger and limits.
 * @returns A handler for `Deno.serve`.
 */
export function createHandler(options: AppOptions): (request: Request) => Promise<Response> {
  const { config, publisher, recent, logger, metrics } = options;
  const maxInflightBytes = options.maxInflightBytes ?? Number.POSITIVE_INFINITY;
  let inflightBytes = 0;

  /**
   * Admits a POST when the bodies being handled leave room for its declared length (the largest
   * allowed body when it declares none); a lone request is always admitted.
   */
  async function admitted(request: Request): Promise<Response> {
    const declared = Number(request.headers.get("content-length") ?? NaN);
    const reserve = Number.isFinite(declared) && declared >= 0
      ? Math.min(declared, options.maxBodyBytes + 1)
      : options.maxBodyBytes;
    if (inflightBytes > 0 && inflightBytes + reserve > maxInflightBytes) {
      await request.body?.cancel().catch(() => {});
      return fail(503, "the API is handling too many request bytes at once; retry shortly", [{
        field: "body",
        message: `${inflightBytes} bytes of requests in progress, limit ${maxInflightBytes}`,
      }], { "retry-after": String(options.retryAfterSeconds), connection: "close" });
    }
    inflightBytes += reserve;
    metrics.inflightBytes.set(undefined, inflightBytes);
    try {
      return await postEvent(request);
    } finally {
      inflightBytes -= reserve;
      metrics.inflightBytes.set(undefined, inflightBytes);
    }
  }

  async function postEvent(request: Request): Promise<Response> {
    const contentType = request.headers.get("content-type");
    if (!isJsonMediaType(contentType)) {
      await request.body?.cancel().catch(() => {});
      return fail(415, "request body must be JSON", [{
        field: "content-type",
        message: `must be application/json (utf-8), got ${JSON.stringify(contentType ?? "")}`,
      }]);
    }
    const read = await readBody(request, {
      maxBytes: options.maxBodyBytes,
      timeoutMs: options.bodyTimeoutMs,
    });
    if (!read.ok) {
      const failure = read.failure;
      if (failure.kind === "too_large") {
        return fail(413, `request body exceeds ${failure.limit} bytes`, [{
          field: "body",
          message: failure.declared === undefined
            ? `must be at most ${failure.limit} bytes`
            : `must be at most ${failure.limit} bytes, content-length is ${failure.declared}`,
        }], { connection: "close" });
      }
      if (failure.kind === "timeout") {
        return fail(408, `request body did not arrive within ${failure.timeoutMs} ms`, [], {
          connection: "close",
        });
      }
      return fail(400, `request body could not be read: ${failure.message}`);
    }
    let text: string;
    try {
      text = UTF8.decode(read.bytes);
    } catch {
      return fail(400, "request body is not valid UTF-8", [{
        field: "body",
        message: "must be UTF-8 encoded JSON",
      }]);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return fail(400, "request body is not valid JSON", [{
        field: "body",
        message: jsonSyntaxMessage(text, error),
      }]);
    }
    const input = validateEventInput(parsed);
    if (!input.ok) return fail(400, "invalid event", input.problems);
    const rules = rulesFor(config, input.value.type);
    if (rules.length === 0) {
      return fail(422, `no notification is configured for event type "${input.value.type}"`, [{
        field: "type",
        message: `must be one of the configured event types: ${
          [...new Set(config.notifications.map((r) => r.event_type))].join(", ")
        }`,
      }]);
    }
    const envelope = createEnvelope(input.value);
    const topics = [...new Set(rules.map((rule) => rule.queue_name))];
    // An id the API has just generated cannot be in use by another request, and no client can
    // retry it before an answer tells it the id: it needs no lock, and memory only when a topic
    // failed (the 503 hands the id out for the retry).
    if (input.value.id === undefined) return await publish(envelope, topics, { fresh: true });
    return await recent.exclusive(envelope.id, () => publish(envelope, topics, { fresh: false }));
  }

  /** Publishes to every topic that has not stored the event yet, then answers. */
  async function publish(
    envelope: Envelope,
    topics: string[],
    { fresh }: { fresh: boolean },
  ): Promise<Response> {
    const stored = fresh ? NOTHING_STORED : recent.storedTopics(envelope.id);
    const missing = topics.filter((topic) => !stored.has(topic));
    if (missing.length === 0) {
      logger.debug("duplicate event, already stored", { event_id: envelope.id });
      return json(202, { id: envelope.id, duplicate: true });
    }
    const started = performance.now();
    const results = await publisher.publish(envelope, missing);
    const failed = results.filter((result) => !result.ok);
    if (!fresh || failed.length > 0) {
      for (const result of results) {
        if (result.ok) recent.markStored(envelope.id, result.topic);
      }
    }
    metrics.publishSeconds.observe(
      { outcome: failed.length === 0 ? "stored" : "failed" },
      (performance.now() - started) / 1000,
    );
    if (failed.length === 0) {
      metrics.accepted.inc({ type: envelope.type });
      logger.debug("event accepted", { event_id: envelope.id, type: envelope.type, topics });
      return json(202, { id: envelope.id });
    }
    logger.warn("event not stored", {
      event_id: envelope.id,
      failed: failed.map((r) => `${r.topic}: ${r.error}`).join("; "),
    });
    const body: ErrorBody = {
      error: "the message broker did not store the event; retry with the same id",
      details: failed.map((r) => ({ field: "queue_name", message: `${r.topic}: ${r.error}` })),
      id: envelope.id,
    };
    return json(503, body, { "retry-after": String(options.retryAfterSeconds) });
  }

  async function readiness(): Promise<Response> {
    const ready = publisher.healthy || await publisher.probe();
    return ready
      ? json(200, { status: "ready" })
      : fail(503, "the message broker is unreachable", [], {
        "retry-after": String(options.retryAfterSeconds),
      });
  }

  return async function handle(request: Request): Promise<Response> {
    const path = pathOf(request.url);
    const response = await route(request, path);
    metrics.requests.inc({ route: routeLabel(path), status: String(response.status) });
    return response;
  };

  async function route(request: Request, path: string): Promise<Response> {
    const methods = ROUTES[path];
    if (methods === undefined) {
      await request.body?.cancel().catch(() => {});
      return fail(404, `no such endpoint: ${path}`, [], {});
    }
    if (!methods.includes(request.method)) {
      await request.body?.cancel().catch(() => {});
      return fail(405, `method ${request.method} is not allowed on ${path}`, [], {
        allow: methods.join(", "),
      });
    }
    try {
      switch (path) {
        case "/events":
          return await admitted(request);
        case "/readyz":
          return await readiness();
        case "/metrics":
          return metricsResponse(metrics.registry);
        default:
          return json(200, { status: "ok" });
      }
    } catch (error) {
      logger.error("unexpected error", { path, error });
      return fail(500, "internal error");
    }
  }
}
