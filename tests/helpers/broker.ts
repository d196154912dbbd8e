/**
 * Test access to the real local RocketMQ: per-test topics and groups, provisioned for real, and
 * a consumer that reads back what the services published.
 *
 * @module
 */

import { FilterExpression, type MessageView } from "rocketmq-client-nodejs";
import { type Config, validateConfig } from "../../shared/config.ts";
import { createLogger } from "../../shared/log.ts";
import { clientOptions } from "../../shared/mq/client_options.ts";
import { NotifySimpleConsumer } from "../../shared/mq/clients.ts";
import { startClient } from "../../shared/mq/connect.ts";
import { planFromConfig, provision, retryPolicyOf } from "../../rocketmq/provision.ts";

/** A short random suffix that keeps test topics and groups apart between runs. */
export function uniqueSuffix(): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 10);
}

/** A logger that only prints errors, for clients used by tests. */
export const quietLogger = createLogger("test", { level: "error" });

/**
 * Validates a config object and provisions its topics and groups on the local broker.
 *
 * @param json The config document.
 * @param env The variables its `${NAME}` references use (default none).
 * @returns The validated config.
 */
export async function provisionedConfig(
  json: unknown,
  env: Record<string, string> = {},
): Promise<Config> {
  const config = validateConfig(json, {
    source: "test config",
    env: { get: (name: string) => env[name] },
  });
  await provision(planFromConfig(config), { retryPolicy: retryPolicyOf(config) });
  return config;
}

/** Options for {@linkcode TopicReader}. */
export interface TopicReaderOptions {
  /** Tag filter (default all). */
  tag?: string;
}

/** Reads messages from a topic with its own (provisioned) consumer group. */
export class TopicReader {
  #consumer: NotifySimpleConsumer;

  private constructor(consumer: NotifySimpleConsumer) {
    this.#consumer = consumer;
  }

  /**
   * Starts a simple consumer for `topic` in `group` (the group must be provisioned).
   *
   * @param config The config whose `mq` section to connect with.
   * @param topic The topic.
   * @param group The consumer group.
   * @param options Tag filter.
   */
  static async open(
    config: Config,
    topic: string,
    group: string,
    options: TopicReaderOptions = {},
  ): Promise<TopicReader> {
    const consumer = new NotifySimpleConsumer({
      ...clientOptions(config.mq, { logger: quietLogger }),
      consumerGroup: group,
      subscriptions: new Map([[topic, new FilterExpression(options.tag ?? "*")]]),
      awaitDuration: 2000,
    });
    await startClient(consumer, { context: { mq: config.mq, topics: [topic], groups: [group] } });
    // A group's first receive fixes where it starts reading: at the end of the queue if
    // messages are already there. Receiving once now, before the test sends anything, makes
    // the reader see everything sent from here on.
    await consumer.receive(1, 10_000).then((early) => {
      if (early.length > 0) throw new Error(`${topic} is not empty for new group ${group}`);
    });
    return new TopicReader(consumer);
  }

  /**
   * Receives and acknowledges messages until `count` arrived or `timeoutMs` passed.
   *
   * @param count How many to wait for.
   * @param timeoutMs How long to wait at most.
   * @returns Every message received (possibly more than `count`).
   */
  async take(count: number, timeoutMs = 30_000): Promise<MessageView[]> {
    const received: MessageView[] = [];
    const deadline = Date.now() + timeoutMs;
    while (received.length < count && Date.now() < deadline) {
      const batch = await this.#consumer.receive(32, 30_000);
      for (const message of batch) {
        received.push(message);
        await this.#consumer.ack(message);
      }
    }
    return received;
  }

  /** Stops the consumer. */
  async close(): Promise<void> {
    await this.#consumer.shutdown();
  }
}
