/**
 * The API's Prometheus metrics, served at `GET /metrics` on `PORT`, beside `/events`.
 *
 * | metric                                 | type      | labels          |
 * | -------------------------------------- | --------- | --------------- |
 * | `notify_api_requests_total`            | counter   | route, status   |
 * | `notify_api_publish_duration_seconds`  | histogram | outcome         |
 * | `notify_api_events_accepted_total`     | counter   | type            |
 * | `notify_api_inflight_request_bytes`    | gauge     |                 |
 *
 * plus the process metrics of `shared/metrics.ts`. Routes are the known paths or `other`, and
 * types are the configured event types, so that no request can create new series.
 *
 * @module
 */

import type { Config } from "../shared/config.ts";
import {
  type Counter,
  DURATION_BUCKETS,
  type Gauge,
  type Histogram,
  registerProcessMetrics,
  Registry,
} from "../shared/metrics.ts";

/** The API's metrics. */
export interface ApiMetrics {
  /** Everything, for `/metrics`. */
  registry: Registry;
  /** Requests answered, by route and status code. */
  requests: Counter;
  /** Time from handing an event to the producer until every topic answered (or timed out). */
  publishSeconds: Histogram;
  /** Events stored on every topic they go to (duplicates of stored ids not counted again). */
  accepted: Counter;
  /** Bytes reserved for request bodies being handled (declared length, else the maximum). */
  inflightBytes: Gauge;
}

/** The `route` label values; anything else is `other`. */
export const ROUTE_LABELS: readonly string[] = ["/events", "/healthz", "/readyz", "/metrics"];

/**
 * Creates the API's metrics, each with its series at zero from the start: accepted events for
 * every configured event type, publish durations for both outcomes, and the in-flight bytes.
 *
 * @param config The config, for the event types.
 * @returns The metrics.
 */
export function createApiMetrics(config: Config): ApiMetrics {
  const registry = new Registry();
  const metrics: ApiMetrics = {
    registry,
    requests: registry.counter("notify_api_requests_total", {
      help: "HTTP requests answered, by route and status code.",
      labelNames: ["route", "status"],
    }),
    publishSeconds: registry.histogram("notify_api_publish_duration_seconds", {
      help: "Seconds from publishing an event until RocketMQ stored it on every topic " +
        "(outcome stored) or a topic failed or timed out (outcome failed).",
      labelNames: ["outcome"],
      buckets: DURATION_BUCKETS,
    }),
    accepted: registry.counter("notify_api_events_accepted_total", {
      help: "Events accepted (202) and stored by RocketMQ, by event type.",
      labelNames: ["type"],
    }),
    inflightBytes: registry.gauge("notify_api_inflight_request_bytes", {
      help: "Bytes reserved for POST /events bodies being handled: the declared length, or " +
        "MAX_BODY_BYTES when none is declared (see MAX_INFLIGHT_BYTES).",
    }),
  };
  registerProcessMetrics(registry);
  for (const type of new Set(config.notifications.map((rule) => rule.event_type))) {
    metrics.accepted.touch({ type });
  }
  for (const outcome of ["stored", "failed"]) metrics.publishSeconds.touch({ outcome });
  metrics.inflightBytes.set(undefined, 0);
  return metrics;
}

/**
 * The `route` label of a path.
 *
 * @param path The request path.
 * @returns The path when it is a route of the API, else `other`.
 */
export function routeLabel(path: string): string {
  return ROUTE_LABELS.includes(path) ? path : "other";
}
