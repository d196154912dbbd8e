/**
 * End-to-end latency: events POSTed at a steady rate, timed from each POST's scheduled start to
 * its arrival at the vendor, through the real API, broker and worker.
 *
 * @module
 */

import { freePort } from "../tests/helpers/service.ts";
import {
  type BenchContext,
  ruleOf,
  startBenchApi,
  startBenchWorker,
  stopBenchService,
} from "./context.ts";
import { failureSummary, openLoop } from "./load.ts";
import type { EndToEndResult, EndToEndRun } from "./report.ts";
import { peakRssBytes, resetPeakRss } from "./rss.ts";
import { apiSender } from "./senders.ts";
import { percentile } from "./stats.ts";

/** Longest wait for the last events of a run to reach the vendor. */
const ARRIVAL_TIMEOUT_MS = 60_000;

/**
 * Runs the end-to-end scenario with its own API and worker.
 *
 * @param context The benchmark context.
 * @returns The runs.
 */
export async function benchEndToEnd(context: BenchContext): Promise<EndToEndResult> {
  const { plan } = context;
  const rule = ruleOf(context, "e2e");
  const api = await startBenchApi(context, freePort());
  let worker;
  try {
    worker = await startBenchWorker(context, "e2e");
    const runs: EndToEndRun[] = [];
    for (let i = 0; i <= plan.runs; i++) {
      const warmup = i === 0;
      const run = `e2e-${i}`;
      const durationMs = warmup ? plan.endToEndWarmupMs : plan.endToEndMs;
      context.progress(
        warmup
          ? "end-to-end: warming up"
          : `end-to-end run ${i}: ${plan.endToEndRate} events/s for ${durationMs / 1000} s`,
      );
      await resetPeakRss(api.pid);
      await resetPeakRss(worker.pid);
      const scheduled = new Map<number, number>();
      const posted = await openLoop(apiSender(api.http!, { type: rule.event_type, run }), {
        ratePerSecond: plan.endToEndRate,
        durationMs,
        onScheduled: (seq, at) => scheduled.set(seq, at),
      });
      if (posted.failures.size > 0) {
        throw new Error(
          `POST /events failed during the end-to-end run: ${failureSummary(posted)}`,
        );
      }
      await context.instant.waitFor(run, {
        count: scheduled.size,
        timeoutMs: ARRIVAL_TIMEOUT_MS,
      });
      if (warmup) continue;
      const arrivals = context.instant.arrivals(run);
      const latencies = [...scheduled].map(([seq, at]) => arrivals.get(seq)! - at);
      const result: EndToEndRun = {
        ratePerSecond: scheduled.size / posted.seconds,
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        postP99Ms: percentile(posted.latenciesMs, 99),
        apiPeakRss: await peakRssBytes(api.pid),
        workerPeakRss: await peakRssBytes(worker.pid),
      };
      context.progress(
        `  p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms ` +
          `(POST p99 ${result.postP99Ms.toFixed(1)} ms) at ${result.ratePerSecond.toFixed(0)}/s`,
      );
      runs.push(result);
    }
    return { targetRate: plan.endToEndRate, runs };
  } finally {
    if (worker !== undefined) await stopBenchService(worker, "the worker");
    await stopBenchService(api, "the API");
  }
}
