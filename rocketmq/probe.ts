/**
 * The readiness check of `broker:start`: a real send through the gRPC proxy with the project's
 * client (rocketmq-client-nodejs), whose own logging is silenced so that it writes no files under
 * `$HOME/logs/rocketmq`.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createLogger } from "../shared/log.ts";
import { clientLogger } from "../shared/mq/client_options.ts";
import { NotifyProducer } from "../shared/mq/clients.ts";
import { startClient } from "../shared/mq/connect.ts";

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
  const producer = new NotifyProducer({
    endpoints,
    namespace: "",
    logger: clientLogger(silent),
    requestTimeout: Math.max(1000, options.requestTimeoutMs ?? 3000),
    topics: [topic],
  });
  try {
    await startClient(producer);
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
