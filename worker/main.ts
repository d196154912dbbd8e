/**
 * The worker service: `deno task worker [--config PATH]`. Consumes the configured topics and
 * delivers each event to every matching rule's vendor; serves `/healthz`, `/readyz` and
 * `/metrics` on `METRICS_PORT`; see README.md.
 *
 * @module
 */

import { settlesWithin } from "../shared/deadline.ts";
import { reportFatal, runMain, setUpService } from "../shared/entry.ts";
import { listenFailureMessage } from "../shared/http.ts";
import { startWhenReachable } from "../shared/mq/connect.ts";
import { StartupError } from "../shared/mq/errors.ts";
import { aborted, onShutdownSignal } from "../shared/signals.ts";
import { createWorkerMetrics } from "./metrics.ts";
import { startOpsServer, type WorkerPhase } from "./ops_server.ts";
import { workerSettingsFrom } from "./settings.ts";
import { startWorker } from "./worker.ts";

async function main(): Promise<number> {
  const setup = await setUpService("worker", Deno.args);
  if (setup === undefined) return 1;
  const { config, path, logger } = setup;
  let settings;
  try {
    settings = workerSettingsFrom(Deno.env);
  } catch (error) {
    return reportFatal(logger, (error as Error).message);
  }
  const metrics = createWorkerMetrics(config);
  let phase: WorkerPhase = "starting";
  let ops: Deno.HttpServer<Deno.NetAddr>;
  try {
    ops = startOpsServer({
      port: settings.metricsPort,
      host: settings.metricsHost,
      registry: metrics.registry,
      phase: () => phase,
    });
  } catch (error) {
    return reportFatal(
      logger,
      listenFailureMessage(error, {
        host: settings.metricsHost,
        port: settings.metricsPort,
        portVariable: "METRICS_PORT",
      }),
    );
  }
  const signal = onShutdownSignal(() => {
    phase = "stopping";
    logger.info("shutting down: no new messages, finishing deliveries in flight");
  });
  logger.info("connecting to RocketMQ", {
    config: path,
    endpoints: config.mq.endpoints.join(";"),
    rules: config.notifications.map((rule) => rule.name).join(","),
    metrics_port: ops.addr.port,
  });
  let worker;
  try {
    worker = await startWhenReachable(
      () =>
        startWorker({
          config,
          logger,
          metrics,
          concurrency: settings.concurrency,
          prefetch: settings.prefetch,
        }),
      { logger, signal },
    );
  } catch (error) {
    await ops.shutdown();
    if (!(error instanceof StartupError)) throw error;
    return reportFatal(logger, error.message);
  }
  if (worker === undefined) {
    await ops.shutdown();
    return 0;
  }
  if (!signal.aborted) phase = "running";
  logger.banner("RocketMQ Subscriber (Worker) started.");
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
  if (!await settlesWithin(ops.shutdown(), 5000)) {
    logger.warn("the operator endpoints did not close within 5000 ms");
  }
  logger.info("stopped");
  return 0;
}

if (import.meta.main) await runMain(main);
