/**
 * The API service: `deno task api [--config PATH]`. Validates events and publishes them to
 * RocketMQ; see README.md for the endpoints and their answers.
 *
 * @module
 */

import { topicsOf } from "../shared/config.ts";
import { reportFatal, runMain, setUpService } from "../shared/entry.ts";
import { listenFailureMessage } from "../shared/http.ts";
import { startWhenReachable } from "../shared/mq/connect.ts";
import { StartupError } from "../shared/mq/errors.ts";
import { startPublisher } from "../shared/mq/producer.ts";
import { settlesWithin } from "../shared/deadline.ts";
import { aborted, onShutdownSignal } from "../shared/signals.ts";
import { createHandler } from "./app.ts";
import { createApiMetrics } from "./metrics.ts";
import { RecentEvents } from "./recent_events.ts";
import { apiSettingsFrom } from "./settings.ts";

/** How long an event id is remembered for deduplicating client retries. */
const RECENT_TTL_MS = 10 * 60 * 1000;
/** Most event ids remembered. */
const RECENT_MAX = 100_000;
/** Longest wait for requests in flight at shutdown. */
const SHUTDOWN_GRACE_MS = 15_000;

async function main(): Promise<number> {
  const setup = await setUpService("api", Deno.args);
  if (setup === undefined) return 1;
  const { config, path, logger } = setup;
  let settings;
  try {
    settings = apiSettingsFrom(Deno.env);
  } catch (error) {
    return reportFatal(logger, (error as Error).message);
  }
  const signal = onShutdownSignal(() => {
    logger.info("shutting down: no new requests, finishing those in flight");
  });
  logger.info("connecting to RocketMQ", { config: path, endpoints: config.mq.endpoints.join(";") });
  const topics = topicsOf(config);
  let publisher;
  try {
    publisher = await startWhenReachable(
      () =>
        startPublisher(config.mq, {
          topics,
          logger: logger.child("rocketmq"),
          sendTimeoutMs: settings.publishTimeoutMs,
        }),
      { logger, signal },
    );
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    return reportFatal(logger, error.message);
  }
  if (publisher === undefined) return 0;
  const recent = new RecentEvents({ ttlMs: RECENT_TTL_MS, maxEntries: RECENT_MAX });
  publisher.onLateResult = (envelope, result) => {
    if (result.ok) recent.markStored(envelope.id, result.topic);
    logger.warn("late publish result", {
      event_id: envelope.id,
      topic: result.topic,
      stored: result.ok,
    });
  };
  const handler = createHandler({
    config,
    publisher,
    recent,
    logger,
    metrics: createApiMetrics(config),
    maxBodyBytes: settings.maxBodyBytes,
    maxInflightBytes: settings.maxInflightBytes,
    bodyTimeoutMs: settings.bodyTimeoutMs,
    retryAfterSeconds: settings.retryAfterSeconds,
  });
  let server: Deno.HttpServer;
  try {
    server = Deno.serve({
      port: settings.port,
      hostname: settings.host,
      onListen: ({ port }) => logger.banner(`API Server started on :${port}`),
    }, handler);
  } catch (error) {
    await publisher.close();
    return reportFatal(
      logger,
      listenFailureMessage(error, {
        host: settings.host,
        port: settings.port,
        portVariable: "PORT",
      }),
    );
  }
  await aborted(signal);
  if (!await settlesWithin(server.shutdown(), SHUTDOWN_GRACE_MS)) {
    logger.warn(`requests still in flight after ${SHUTDOWN_GRACE_MS} ms; stopping anyway`);
  }
  if (!await settlesWithin(publisher.close(), 5000)) {
    logger.warn("the RocketMQ producer did not close within 5000 ms");
  }
  logger.info("stopped");
  return 0;
}

if (import.meta.main) await runMain(main);
