/**
 * Consuming one topic for one consumer group with RocketMQ's push consumer. The handler decides
 * per message: acknowledge, redeliver later (the group's exponential retry policy, then the
 * dead-letter queue `%DLQ%<group>` once retries run out), or dead-letter at once.
 *
 * @module
 */

import { ConsumeResult, FilterExpression, type MessageView } from "rocketmq-client-nodejs";
import type { MqConfig } from "../config.ts";
import type { Logger } from "../log.ts";
import { clientOptions } from "./client_options.ts";
import { type Backoff, NotifyPushConsumer } from "./clients.ts";
import { explainStartupFailure } from "./errors.ts";
import { settlesWithin } from "../deadline.ts";
import { startClient } from "./connect.ts";

/** How long after startup a failing receive (e.g. a missing consumer group) fails startup. */
const RECEIVE_CHECK_MS = 2000;

/** `apache.rocketmq.v2.Code.OK`; the generated protobuf enum is not part of the package's API. */
const CODE_OK = 20000;

/** What to do with a consumed message. */
export type ConsumeVerdict = "ack" | "retry" | "dead_letter";

/** A message as the handler sees it. */
export interface ReceivedMessage {
  /** RocketMQ's message id. */
  messageId: string;
  /** The topic it came from. */
  topic: string;
  /** Its tag (the event type). */
  tag?: string;
  /** Its keys (the event id). */
  keys: string[];
  /** Its body. */
  body: Uint8Array;
  /** 1 for the first delivery, counting up with each redelivery. */
  deliveryAttempt: number;
  /** Deliveries allowed before the broker dead-letters it (retries + 1), when known. */
  maxAttempts?: number;
}

/** Decides the fate of each message; a thrown error counts as `retry`. */
export type MessageHandler = (message: ReceivedMessage) => Promise<ConsumeVerdict>;

/** A running subscription. */
export interface Subscriber {
  /** The consumer group. */
  group: string;
  /**
   * Stops receiving, waits for messages already received to be handled and settled, and
   * disconnects.
   */
  close(): Promise<void>;
}

/** Options for {@linkcode startSubscriber}. */
export interface SubscriberOptions {
  /** Consumer group (provisioned, with its retry policy). */
  group: string;
  /** Topic to consume. */
  topic: string;
  /** Tag filter, e.g. the event type (default all). */
  tag?: string;
  /** The message handler. */
  handler: MessageHandler;
  /** Where the client logs. */
  logger: Logger;
  /** The group's redelivery backoff (`mq.retry_backoff`), applied in milliseconds. */
  backoff?: Backoff;
  /** Most messages received ahead of handling, across the topic's queues (default 32). */
  maxCachedMessages?: number;
}

/**
 * Starts a push consumer.
 *
 * @param mq The RocketMQ connection settings.
 * @param options Group, topic, tag filter and handler.
 * @returns The running subscriber.
 * @throws {StartupError} Saying what is missing or unreachable and what to do.
 */
export async function startSubscriber(
  mq: MqConfig,
  options: SubscriberOptions,
): Promise<Subscriber> {
  // the listener needs the consumer (to dead-letter) and is only called once it exists
  async function consume(view: MessageView): Promise<ConsumeResult> {
    const maxAttempts = consumer.getRetryPolicy()?.getMaxAttempts();
    let verdict: ConsumeVerdict;
    try {
      verdict = await options.handler({
        messageId: view.messageId,
        topic: view.topic,
        tag: view.tag,
        keys: view.keys,
        body: view.body,
        deliveryAttempt: view.deliveryAttempt ?? 1,
        maxAttempts,
      });
    } catch (error) {
      options.logger.error("message handler failed; the message will be redelivered", {
        message_id: view.messageId,
        error,
      });
      return ConsumeResult.FAILURE;
    }
    if (verdict === "ack") return ConsumeResult.SUCCESS;
    if (verdict === "retry") return ConsumeResult.FAILURE;
    return await deadLetter(view) ? ConsumeResult.SUCCESS : ConsumeResult.FAILURE;
  }
  async function deadLetter(view: MessageView): Promise<boolean> {
    try {
      const response = await consumer.forwardMessageToDeadLetterQueueViaRpc(
        view.endpoints,
        consumer.wrapForwardMessageToDeadLetterQueueRequest(view),
        consumer.requestTimeoutValue,
      );
      const status = response.getStatus()?.toObject();
      if (status?.code === CODE_OK) return true;
      options.logger.warn("dead-lettering failed; the message will be redelivered", {
        message_id: view.messageId,
        status: status?.message ?? "no status",
      });
    } catch (error) {
      options.logger.warn("dead-lettering failed; the message will be redelivered", {
        message_id: view.messageId,
        error,
      });
    }
    return false;
  }
  const consumer = new NotifyPushConsumer({
    ...clientOptions(mq, { logger: options.logger }),
    consumerGroup: options.group,
    subscriptions: new Map([[options.topic, new FilterExpression(options.tag ?? "*")]]),
    messageListener: { consume },
    maxCacheMessageCount: options.maxCachedMessages ?? 32,
    backoff: options.backoff,
  });
  const context = { mq, topics: [options.topic], groups: [options.group] };
  await startClient(consumer, { context });
  const early = await consumer.firstReceiveError(RECEIVE_CHECK_MS);
  if (early !== undefined) {
    const explained = explainStartupFailure(early, context);
    if (explained.kind === "missing") {
      await settlesWithin(consumer.shutdown(), 3000);
      throw explained;
    }
  }
  return {
    group: options.group,
    async close() {
      await consumer.shutdown();
    },
  };
}
