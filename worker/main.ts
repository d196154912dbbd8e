/**
 * The worker service: `deno task worker [--config PATH]`. Consumes the configured topics and
 * delivers each event to every matching rule's vendor; see README.md.
 *
 * @module
 */

import { loadConfigOrExit } from "../shared/config.ts";
import { runMain } from "../shared/entry.ts";
import { createLogger } from "../shared/log.ts";
import { startWhenReachable } from "../shared/mq/connect.ts";
import { StartupError } from "../shared/mq/errors.ts";
import { aborted, onShutdownSignal } from "../shared/signals.ts";
import { workerSettingsFrom } from "./settings.ts";
import { startWorker } from "./worker.ts";

async function main(): Promise<number> {
  const logger = createLogger("worker");
  const { config, path } = await loadConfigOrExit(Deno.args);
  let settings;
  try {
    settings = workerSettingsFrom(Deno.env);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 1;
  }
  const signal = onShutdownSignal(() => {
    logger.info("shutting down: no new messages, finishing deliveries in flight");
  });
  logger.info("connecting to RocketMQ", {
    config: path,
    endpoints: config.mq.endpoints.join(";"),
    rules: config.notifications.map((rule) => rule.name).join(","),
  });
  let worker;
  try {
    worker = await startWhenReachable(
      () =>
        startWorker({
          config,
          logger,
          concurrency: settings.concurrency,
          prefetch: settings.prefetch,
        }),
      { logger, signal },
    );
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    console.error(`error: ${error.message}`);
    return 1;
  }
  if (worker === undefined) return 0;
  console.log("RocketMQ Subscriber (Worker) started.");
  await aborted(signal);
  if (!await worker.stop(settings.shutdownGraceMs)) {
    if (worker.inFlight > 0) {
      logger.warn(
        `deliveries still in flight after ${settings.shutdownGraceMs} ms; ` +
          "they were not acknowledged and RocketMQ will redeliver them",
        { in_flight: worker.inFlight },
      );
    } else {
      logger.info(`the RocketMQ consumers did not close within ${settings.shutdownGraceMs} ms`);
    }
  }
  logger.info("stopped");
  return 0;
}

if (import.meta.main) await runMain(main);
