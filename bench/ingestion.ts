/**
 * Ingestion: POST /events throughput and latency at each concurrency, against the ceiling of the
 * same messages sent straight to RocketMQ, runs of the two interleaved so that drift on the
 * machine affects both alike.
 *
 * @module
 */

import { freePort } from "../tests/helpers/service.ts";
import { type BenchContext, ruleOf, startBenchApi, stopBenchService } from "./context.ts";
import { closedLoop, failureSummary, type LoadResult, type Send } from "./load.ts";
import type { IngestionResult, ThroughputRun } from "./report.ts";
import { peakRssBytes, resetPeakRss } from "./rss.ts";
import { apiSender } from "./senders.ts";
import { percentile } from "./stats.ts";

function throughputRun(result: LoadResult): ThroughputRun {
  let failed = 0;
  for (const count of result.failures.values()) failed += count;
  return {
    eventsPerSecond: result.ok / result.seconds,
    p50Ms: percentile(result.latenciesMs, 50),
    p99Ms: percentile(result.latenciesMs, 99),
    failed,
  };
}

function describe(run: ThroughputRun): string {
  return `${run.eventsPerSecond.toFixed(0)} events/s, p50 ${run.p50Ms.toFixed(1)} ms, ` +
    `p99 ${run.p99Ms.toFixed(1)} ms${run.failed > 0 ? `, ${run.failed} failed` : ""}`;
}

/**
 * Runs the ingestion scenario with its own API process.
 *
 * @param context The benchmark context.
 * @returns One result per concurrency.
 */
export async function benchIngestion(context: BenchContext): Promise<IngestionResult[]> {
  const { plan } = context;
  const rule = ruleOf(context, "ingest");
  const api = await startBenchApi(context, freePort());
  const results: IngestionResult[] = [];
  try {
    let runNumber = 0;
    const nextRun = () => `ingest-${runNumber++}`;
    const viaApi = (): Send => apiSender(api.http!, { type: rule.event_type, run: nextRun() });
    const direct = (): Send =>
      context.producer.sender(rule.queue_name, { type: rule.event_type, run: nextRun() });
    for (const concurrency of plan.concurrencies) {
      const load = { concurrency, durationMs: plan.ingestionMs };
      const warmup = { concurrency, durationMs: plan.warmupMs };
      context.progress(`ingestion at concurrency ${concurrency}: warming up`);
      await closedLoop(viaApi(), warmup);
      await closedLoop(direct(), warmup);
      const result: IngestionResult = { concurrency, api: [], ceiling: [], apiPeakRss: [] };
      for (let i = 0; i < plan.runs; i++) {
        await resetPeakRss(api.pid);
        const viaHttp = await closedLoop(viaApi(), load);
        result.apiPeakRss.push(await peakRssBytes(api.pid));
        const straight = await closedLoop(direct(), load);
        for (const [name, run] of [["API", viaHttp], ["ceiling", straight]] as const) {
          if (run.failures.size > 0) {
            context.progress(`  ${name} failures: ${failureSummary(run)}`);
          }
        }
        result.api.push(throughputRun(viaHttp));
        result.ceiling.push(throughputRun(straight));
        context.progress(
          `  run ${i + 1}: API ${describe(result.api[i])}; ceiling ${describe(result.ceiling[i])}`,
        );
      }
      results.push(result);
    }
  } finally {
    await stopBenchService(api, "the API");
  }
  return results;
}
