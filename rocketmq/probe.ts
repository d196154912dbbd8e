/**
 * The readiness check of `broker:start`: a real send through the gRPC proxy with the project's
 * client (rocketmq-client-nodejs), whose own logging is silenced so that it writes no files under
 * `$HOME/logs/rocketmq`.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { Producer } from "rocketmq-client-nodejs";
import { createLogger } from "../shared/log.ts";
import { clientLogger } from "../shared/mq/client_options.ts";

/** Options of {@linkcode sendProbe}. */
export interface ProbeOptions {
  /** Per-request timeout of the client (default 3000 ms, at least 1000). */
  requestTimeoutMs?: number;
}

/**
 * Sends one message to `topic` through the proxy at `endpoints` and resolves with its message id;
 * rejects with the client's error when the send fails.
 */
export async function sendProbe(
  endpoints: string,
  topic: string,
  options: ProbeOptions = {},
): Promise<string> {
  const silent = createLogger("rocketmq-probe", { level: "error", write: discard });
  const producer = new Producer({
    endpoints,
    namespace: "",
    logger: clientLogger(silent),
    requestTimeout: Math.max(1000, options.requestTimeoutMs ?? 3000),
    topics: [topic],
  });
  try {
    await producer.startup();
    const receipt = await producer.send({
      topic,
      tag: "probe",
      keys: [crypto.randomUUID()],
      body: Buffer.from(`probe ${new Date().toISOString()}`),
    });
    return receipt.messageId;
  } finally {
    await producer.shutdown().catch(() => {});
  }
}

function discard(): void {}
