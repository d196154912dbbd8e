/**
 * Drain: a backlog of events waits in RocketMQ while no worker runs; then a worker starts and the
 * time until the vendor has every event gives the drain rate.
 *
 * @module
 */

import {
  type BenchContext,
  type BenchRule,
  ruleOf,
  startBenchWorker,
  stopBenchService,
} from "./context.ts";
import { closedLoop, failureSummary } from "./load.ts";
import type { DrainResult, DrainRun } from "./report.ts";
import { peakRssBytes } from "./rss.ts";
import type { BenchVendor } from "./vendor.ts";

/** Concurrency of filling the backlog. */
const FILL_CONCURRENCY = 64;

/** Longest wait for a backlog to drain. */
const DRAIN_TIMEOUT_MS = 300_000;

async function fill(
  context: BenchContext,
  rule: BenchRule,
  run: string,
  events: number,
): Promise<void> {
  const { queue_name, event_type } = ruleOf(context, rule);
  const send = context.producer.sender(queue_name, { type: event_type, run });
  const result = await closedLoop(send, {
    concurrency: FILL_CONCURRENCY,
    durationMs: Number.POSITIVE_INFINITY,
    requests: events,
  });
  if (result.ok !== events) {
    throw new Error(
      `filling the backlog stored ${result.ok} of ${events} events: ${failureSummary(result)}`,
    );
  }
}

/**
 * Runs the drain scenario for one rule (and so one vendor).
 *
 * @param context The benchmark context.
 * @param rule `drain_instant` or `drain_slow`.
 * @returns The runs.
 */
export async function benchDrain(context: BenchContext, rule: BenchRule): Promise<DrainResult> {
  const { plan } = context;
  const vendor: BenchVendor = rule === "drain_slow" ? context.slow : context.instant;
  const vendorDelayMs = rule === "drain_slow" ? plan.slowVendorMs : 0;
  // A consumer group's first receive sets where it starts reading; let it happen on the empty
  // topic, so that the backlog below is read from its first event.
  await stopBenchService(await startBenchWorker(context, rule), "the worker");
  const runs: DrainRun[] = [];
  for (let i = 0; i <= plan.runs; i++) {
    const warmup = i === 0;
    const events = warmup ? plan.drainWarmupEvents : plan.drainEvents;
    const run = `${rule}-${i}`;
    context.progress(
      `drain to a ${vendorDelayMs} ms vendor, ${warmup ? "warm-up" : `run ${i}`}: ` +
        `filling a backlog of ${events} events`,
    );
    await fill(context, rule, run, events);
    const requestsBefore = vendor.requests;
    const started = performance.now();
    const worker = await startBenchWorker(context, rule);
    try {
      await vendor.waitFor(run, { count: events, timeoutMs: DRAIN_TIMEOUT_MS });
      const finished = performance.now();
      const times = [...vendor.arrivals(run).values()];
      const first = Math.min(...times);
      const last = Math.max(...times);
      const result: DrainRun = {
        eventsPerSecond: (events - 1) / ((last - first) / 1000),
        secondsFromStart: (finished - started) / 1000,
        repeats: vendor.requests - requestsBefore - events,
        workerPeakRss: await peakRssBytes(worker.pid),
      };
      if (!warmup) {
        runs.push(result);
        context.progress(
          `  ${result.eventsPerSecond.toFixed(0)} events/s; last delivery ` +
            `${result.secondsFromStart.toFixed(1)} s after starting the worker; ` +
            `${result.repeats} repeats`,
        );
      }
    } finally {
      await stopBenchService(worker, "the worker");
    }
  }
  return { vendorDelayMs, events: plan.drainEvents, runs };
}
