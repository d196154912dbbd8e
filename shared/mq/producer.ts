/**
 * Publishing envelopes to RocketMQ: one message per topic, tag = event type, key = event id,
 * each send bounded in time so that a caller can answer within a known delay.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { MqConfig } from "../config.ts";
import { encodeEnvelope, type Envelope } from "../event.ts";
import type { Logger } from "../log.ts";
import { canConnect } from "../net.ts";
import { createNextTurnStarter } from "../next_turn.ts";
import { clientOptions } from "./client_options.ts";
import { NotifyProducer } from "./clients.ts";
import { startClient } from "./connect.ts";

/** What became of one topic's publish. */
export interface PublishResult {
  /** The topic. */
  topic: string;
  /** True once the broker acknowledged storing the message. */
  ok: boolean;
  /** RocketMQ's message id, when stored. */
  messageId?: string;
  /** Why it was not stored, when not. */
  error?: string;
}

/** Publishes envelopes; see {@linkcode startPublisher}. */
export interface EventPublisher {
  /**
   * Publishes one envelope to each topic, in parallel, each bounded by the send timeout. Never
   * rejects: every topic's outcome is in the result.
   */
  publish(envelope: Envelope, topics: readonly string[]): Promise<PublishResult[]>;
  /** Called with each result that arrives after its timeout was already reported. */
  onLateResult?: (envelope: Envelope, result: PublishResult) => void;
  /** True while the last publish reached the broker (or a later probe found it reachable). */
  readonly healthy: boolean;
  /**
   * When unhealthy, checks whether a proxy endpoint accepts connections again and, if so, marks
   * the publisher healthy. Resolves to the resulting health.
   */
  probe(): Promise<boolean>;
  /** Stops the producer; idempotent. */
  close(): Promise<void>;
}

/** Options for {@linkcode startPublisher}. */
export interface StartPublisherOptions {
  /** Topics the producer will publish to; checked at startup. */
  topics: string[];
  /** Where the client logs. */
  logger: Logger;
  /** Longest time one publish may take before it counts as failed, in ms (default 5000). */
  sendTimeoutMs?: number;
}

/**
 * Starts a producer and checks that the broker is reachable and every topic exists.
 *
 * @param mq The RocketMQ connection settings.
 * @param options Topics, logger and send timeout.
 * @returns A started publisher.
 * @throws {StartupError} Saying what is missing or unreachable and what to do.
 */
export async function startPublisher(
  mq: MqConfig,
  options: StartPublisherOptions,
): Promise<EventPublisher> {
  const sendTimeoutMs = options.sendTimeoutMs ?? 5000;
  const producer = new NotifyProducer({
    ...clientOptions(mq, {
      logger: options.logger,
      requestTimeoutMs: Math.min(3000, sendTimeoutMs),
    }),
    topic: options.topics,
    maxAttempts: 2,
  });
  await startClient(producer, { context: { mq, topics: options.topics } });
  let healthy = true;
  let closed = false;
  // the sends of one turn of the event loop start together in the next (see next_turn.ts)
  const startNextTurn = createNextTurnStarter();

  async function sendOne(
    publisher: EventPublisher,
    envelope: Envelope,
    topic: string,
    body: Buffer,
  ): Promise<PublishResult> {
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const send = startNextTurn(() =>
      producer.send({ topic, body, tag: envelope.type, keys: [envelope.id] })
    ).then(
      (receipt): PublishResult => ({ topic, ok: true, messageId: receipt.messageId }),
      (error: unknown): PublishResult => ({ topic, ok: false, error: errorText(error) }),
    ).then((result) => {
      if (timedOut) publisher.onLateResult?.(envelope, result);
      return result;
    });
    const deadline = new Promise<PublishResult>((resolve) => {
      timer = setTimeout(() => {
        timedOut = true;
        resolve({ topic, ok: false, error: `no acknowledgement within ${sendTimeoutMs} ms` });
      }, sendTimeoutMs);
    });
    try {
      return await Promise.race([send, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  const publisher: EventPublisher = {
    async publish(envelope, topics) {
      if (closed) {
        return topics.map((topic) => ({ topic, ok: false, error: "producer is closed" }));
      }
      const body = Buffer.from(encodeEnvelope(envelope));
      const results = await Promise.all(
        topics.map((topic) => sendOne(publisher, envelope, topic, body)),
      );
      healthy = results.every((result) => result.ok);
      return results;
    },
    get healthy() {
      return healthy && !closed;
    },
    async probe() {
      if (!healthy && !closed) healthy = await anyReachable(mq.endpoints, 1000);
      return healthy && !closed;
    },
    async close() {
      if (closed) return;
      closed = true;
      await producer.shutdown();
    },
  };
  return publisher;
}

/** True when a TCP connection to any of the `host:port` endpoints opens within the timeout. */
async function anyReachable(endpoints: readonly string[], timeoutMs: number): Promise<boolean> {
  for (const endpoint of endpoints) {
    const at = endpoint.lastIndexOf(":");
    const hostname = endpoint.slice(0, at).replace(/^\[|\]$/g, "");
    const port = Number(endpoint.slice(at + 1));
    if (await canConnect({ hostname, port }, timeoutMs)) return true;
  }
  return false;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message.split("\n")[0];
  return String(error);
}
