/**
 * The worker: one RocketMQ consumer group per notification rule, so every rule gets its own copy
 * of each event and its own retries and dead letters. A failing vendor never causes a re-send to
 * a vendor that already got the event, and a slow one holds up only its own rule.
 *
 * @module
 */

import {
  type Config,
  consumerGroupOf,
  deadLetterTopicOf,
  type NotificationRule,
} from "../shared/config.ts";
import { settlesWithin } from "../shared/deadline.ts";
import { decodeEnvelope } from "../shared/event.ts";
import type { Logger } from "../shared/log.ts";
import {
  type ConsumeVerdict,
  type MessageHandler,
  type ReceivedMessage,
  startSubscriber,
  type Subscriber,
} from "../shared/mq/push_consumer.ts";
import { formatProblem } from "../shared/validation.ts";
import { deliver } from "./deliver.ts";
import type { DeliveryOutcome, WorkerMetrics } from "./metrics.ts";
import { redactUrl } from "../shared/redact.ts";
import { Semaphore } from "./semaphore.ts";

/** Options for {@linkcode startWorker}. */
export interface WorkerOptions {
  /** The validated config. */
  config: Config;
  /** Where attempts and outcomes are logged. */
  logger: Logger;
  /** Deliveries in flight at once, per rule. */
  concurrency: number;
  /** Messages received ahead of delivery, per rule (default `concurrency`). */
  prefetch?: number;
  /** Where deliveries and attempts are counted. */
  metrics: WorkerMetrics;
  /** The HTTP client (default `fetch`). */
  fetch?: typeof fetch;
}

/** A running worker. */
export interface Worker {
  /** Deliveries in flight right now. */
  readonly inFlight: number;
  /**
   * Stops taking messages and waits (at most `graceMs`) for deliveries in flight; messages not
   * delivered by then are not acknowledged, so RocketMQ redelivers them.
   *
   * @returns True when everything settled within the grace period.
   */
  stop(graceMs: number): Promise<boolean>;
}

/**
 * Starts one consumer per rule and returns once all of them are consuming.
 *
 * @param options Config, logger, concurrency, prefetch and HTTP client.
 * @returns The running worker.
 * @throws {StartupError} When a topic or group is missing or the broker unreachable; consumers
 * already started are stopped first.
 */
export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const { config, logger, metrics } = options;
  const stopping = new AbortController();
  let inFlight = 0;

  function handlerFor(rule: NotificationRule): MessageHandler {
    const slots = new Semaphore(options.concurrency);
    const deadLetterTopic = deadLetterTopicOf(config, rule);
    const labels = { rule: rule.name };
    function count(outcome: DeliveryOutcome): void {
      metrics.deliveries.inc({ rule: rule.name, outcome });
    }
    return async function handle(message: ReceivedMessage): Promise<ConsumeVerdict> {
      const decoded = decodeEnvelope(message.body);
      if (!decoded.ok) {
        logger.error("invalid message body; dead-lettering it", {
          rule: rule.name,
          message_id: message.messageId,
          problems: decoded.problems.map(formatProblem).join("; "),
          dead_letter_topic: deadLetterTopic,
        });
        count("dead_lettered");
        return "dead_letter";
      }
      const envelope = decoded.value;
      if (envelope.type !== rule.event_type) {
        logger.warn("event type does not match the rule; skipping", {
          event_id: envelope.id,
          rule: rule.name,
          type: envelope.type,
        });
        count("skipped");
        return "ack";
      }
      return await slots.run(async () => {
        inFlight++;
        metrics.inFlight.inc(labels);
        try {
          const report = await deliver(rule, envelope, {
            fetch: options.fetch,
            signal: stopping.signal,
            onAttempt(attempt, request) {
              metrics.attemptSeconds.observe(labels, attempt.durationMs / 1000);
              const result = attempt.result;
              logger.info("attempt", {
                event_id: envelope.id,
                rule: rule.name,
                attempt: message.deliveryAttempt,
                local_attempt: attempt.localAttempt > 1 ? attempt.localAttempt : undefined,
                method: request.method,
                url: redactUrl(request.url),
                status: result.kind === "response" ? result.status : undefined,
                error: result.kind === "network_error"
                  ? result.message
                  : result.kind === "timeout"
                  ? `timeout after ${result.timeoutMs} ms`
                  : undefined,
                duration_ms: attempt.durationMs,
                verdict: attempt.verdict,
              });
            },
          });
          const fields = {
            event_id: envelope.id,
            rule: rule.name,
            attempt: message.deliveryAttempt,
            reason: report.reason,
          };
          if (report.verdict === "delivered") {
            logger.info("delivered", fields);
            count("success");
            const acceptedAt = Date.parse(envelope.received_at);
            if (Number.isFinite(acceptedAt)) {
              metrics.eventAgeSeconds.observe(labels, Math.max(0, Date.now() - acceptedAt) / 1000);
            }
            return "ack";
          }
          if (report.verdict === "permanent") {
            logger.warn("permanent failure; dead-lettering", {
              ...fields,
              dead_letter_topic: deadLetterTopic,
            });
            count("dead_lettered");
            return "dead_letter";
          }
          const last = message.maxAttempts !== undefined &&
            message.deliveryAttempt >= message.maxAttempts;
          count(last ? "dead_lettered" : "retry");
          if (last) {
            logger.warn("retries exhausted; RocketMQ moves the event to the dead-letter queue", {
              ...fields,
              dead_letter_topic: deadLetterTopic,
            });
          } else {
            logger.info("will retry", {
              ...fields,
              max_attempts: message.maxAttempts,
              retry_after_ms: report.retryAfterMs,
            });
          }
          return "retry";
        } finally {
          inFlight--;
          metrics.inFlight.dec(labels);
        }
      });
    };
  }

  const subscribers: Subscriber[] = [];
  try {
    for (const rule of config.notifications) {
      subscribers.push(
        await startSubscriber(config.mq, {
          group: consumerGroupOf(config, rule),
          topic: rule.queue_name,
          tag: rule.event_type,
          handler: handlerFor(rule),
          logger: logger.child("rocketmq"),
          maxCachedMessages: options.prefetch ?? options.concurrency,
          backoff: config.mq.retry_backoff,
        }),
      );
    }
  } catch (error) {
    await Promise.all(subscribers.map((s) => s.close().catch(() => {})));
    throw error;
  }

  return {
    get inFlight() {
      return inFlight;
    },
    async stop(graceMs) {
      const closing = Promise.all(subscribers.map((s) => s.close()));
      const settled = await settlesWithin(closing, graceMs);
      stopping.abort();
      return settled;
    },
  };
}
