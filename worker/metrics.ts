/**
 * The worker's Prometheus metrics, served at `GET /metrics` on `METRICS_PORT`.
 *
 * | metric                                    | type      | labels        |
 * | ----------------------------------------- | --------- | ------------- |
 * | `notify_worker_deliveries_total`          | counter   | rule, outcome |
 * | `notify_worker_attempt_duration_seconds`  | histogram | rule          |
 * | `notify_worker_deliveries_in_flight`      | gauge     | rule          |
 * | `notify_worker_event_age_seconds`         | histogram | rule          |
 *
 * plus the process metrics of `shared/metrics.ts`. Outcomes are `success`, `retry` (RocketMQ
 * redelivers later) and `dead_lettered`. rocketmq-client-nodejs does not expose consumer offsets,
 * so there is no lag gauge; the age of events at delivery (acceptance by the API to the vendor's
 * 2xx) rises as soon as the worker falls behind, and the broker's own lag figures are in
 * `mqadmin consumerProgress`.
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

/** What became of one message for one rule. */
export type DeliveryOutcome = "success" | "retry" | "dead_lettered" | "skipped";

/** The worker's metrics. */
export interface WorkerMetrics {
  /** Everything, for `/metrics`. */
  registry: Registry;
  /** Messages handled, by rule and outcome. */
  deliveries: Counter;
  /** Seconds per HTTP attempt (local network retries included), by rule. */
  attemptSeconds: Histogram;
  /** Deliveries in progress, by rule. */
  inFlight: Gauge;
  /** Seconds from the API's acceptance to a successful delivery, by rule. */
  eventAgeSeconds: Histogram;
}

/** Buckets of event age: 10 ms to an hour. */
const AGE_BUCKETS: readonly number[] = [
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  5,
  15,
  60,
  300,
  900,
  3600,
];

/**
 * Creates the worker's metrics with a zero series for every rule and outcome, and an empty
 * histogram per rule.
 *
 * @param config The config, for the rule names.
 * @returns The metrics.
 */
export function createWorkerMetrics(config: Config): WorkerMetrics {
  const registry = new Registry();
  const metrics: WorkerMetrics = {
    registry,
    deliveries: registry.counter("notify_worker_deliveries_total", {
      help: "Messages handled per rule, by outcome: success, retry (RocketMQ redelivers later), " +
        "dead_lettered, or skipped (acknowledged unsent: another event type than the rule's).",
      labelNames: ["rule", "outcome"],
    }),
    attemptSeconds: registry.histogram("notify_worker_attempt_duration_seconds", {
      help: "Seconds per HTTP request to the vendor, whatever its result.",
      labelNames: ["rule"],
      buckets: DURATION_BUCKETS,
    }),
    inFlight: registry.gauge("notify_worker_deliveries_in_flight", {
      help: "Deliveries in progress (at most WORKER_CONCURRENCY per rule).",
      labelNames: ["rule"],
    }),
    eventAgeSeconds: registry.histogram("notify_worker_event_age_seconds", {
      help: "Seconds from the API accepting an event to its successful delivery; grows when " +
        "the worker falls behind.",
      labelNames: ["rule"],
      buckets: AGE_BUCKETS,
    }),
  };
  registerProcessMetrics(registry);
  for (const { name: rule } of config.notifications) {
    const outcomes = ["success", "retry", "dead_lettered", "skipped"] satisfies DeliveryOutcome[];
    for (const outcome of outcomes) metrics.deliveries.touch({ rule, outcome });
    metrics.inFlight.set({ rule }, 0);
    metrics.attemptSeconds.touch({ rule });
    metrics.eventAgeSeconds.touch({ rule });
  }
  return metrics;
}
