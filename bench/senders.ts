/**
 * The two ways the benchmark sends an event: a POST to the API, and the ceiling, a message handed
 * straight to `rocketmq-client-nodejs` the way the API would publish it.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { Config } from "../shared/config.ts";
import { createEnvelope, encodeEnvelope } from "../shared/event.ts";
import type { JsonValue } from "../shared/template.ts";
import type { Logger } from "../shared/log.ts";
import { clientOptions } from "../shared/mq/client_options.ts";
import { NotifyProducer } from "../shared/mq/clients.ts";
import { startClient } from "../shared/mq/connect.ts";
import type { HttpPool } from "./http_client.ts";
import type { Send } from "./load.ts";

/** What every benchmark event carries, so that the vendor can tell events and runs apart. */
export interface BenchEventData {
  /** The run the event belongs to. */
  run: string;
  /** Its number within the run. */
  seq: number;
  /** Ballast the size of the seed example's fields. */
  user_id: string;
  /** As in the seed example. */
  source: string;
}

/** Options naming what to send. */
export interface SenderOptions {
  /** The event type. */
  type: string;
  /** The run id put into every event. */
  run: string;
}

function eventData(run: string, seq: number): BenchEventData & Record<string, JsonValue> {
  return { run, seq, user_id: "12345", source: "internal_api" };
}

/**
 * Sends events as `POST /events` over the lean keep-alive client of `http_client.ts` and treats
 * anything but 202 as a failure.
 *
 * @param http Connections to the API.
 * @param options Event type and run id.
 * @returns The sender.
 */
export function apiSender(http: HttpPool, options: SenderOptions): Send {
  return async function send(seq: number): Promise<void> {
    const answer = await http.postJson(
      "/events",
      JSON.stringify({ type: options.type, data: eventData(options.run, seq) }),
    );
    if (answer.status !== 202) throw new Error(`POST /events answered ${answer.status}`);
  };
}

/** A producer for the ceiling; see {@linkcode startCeilingProducer}. */
export interface CeilingProducer {
  /** A sender of envelopes of `options.type` to `topic`. */
  sender(topic: string, options: SenderOptions): Send;
  /** Stops the producer. */
  close(): Promise<void>;
}

/** Options for {@linkcode startCeilingProducer}. */
export interface CeilingProducerOptions {
  /** The topics it will publish to; checked at start. */
  topics: string[];
  /** Where the client logs. */
  logger: Logger;
}

/**
 * Starts a bare `rocketmq-client-nodejs` producer (with only the start-up fix of
 * `shared/mq/clients.ts`): no HTTP, no validation, no send deadline. What it achieves is what the
 * API could at best achieve from the same client library.
 *
 * @param config The config whose `mq` section to connect with.
 * @param options The topics to publish to and a logger.
 * @returns The started producer.
 */
export async function startCeilingProducer(
  config: Config,
  options: CeilingProducerOptions,
): Promise<CeilingProducer> {
  const producer = new NotifyProducer({
    ...clientOptions(config.mq, { logger: options.logger }),
    topic: options.topics,
    maxAttempts: 2,
  });
  await startClient(producer, { context: { mq: config.mq, topics: options.topics } });
  return {
    sender(topic, { type, run }) {
      return async function send(seq: number): Promise<void> {
        const envelope = createEnvelope({ type, data: eventData(run, seq) });
        await producer.send({
          topic,
          body: Buffer.from(encodeEnvelope(envelope)),
          tag: envelope.type,
          keys: [envelope.id],
        });
      };
    },
    async close() {
      await producer.shutdown();
    },
  };
}
