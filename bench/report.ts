/**
 * The benchmark's findings and how they are written: the figures of every run, the targets they
 * are held against, and the Markdown tables of `bench/RESULTS.md`.
 *
 * @module
 */

import type { CpuShares } from "./cpu_time.ts";
import type { MachineFact } from "./machine.ts";
import { type Spread, spread } from "./stats.ts";

/** One closed-loop run. */
export interface ThroughputRun {
  /** Successful requests per second. */
  eventsPerSecond: number;
  /** Median latency, ms. */
  p50Ms: number;
  /** 99th percentile latency, ms. */
  p99Ms: number;
  /** Failed requests. */
  failed: number;
}

/** Ingestion at one concurrency: through the API, and straight to RocketMQ (the ceiling). */
export interface IngestionResult {
  /** Requests in flight at once. */
  concurrency: number;
  /** POST /events runs. */
  api: ThroughputRun[];
  /** Direct `Producer.send` runs. */
  ceiling: ThroughputRun[];
  /** Peak RSS of the API process in each run, bytes. */
  apiPeakRss: number[];
}

/** One steady-rate run, POST to vendor receipt. */
export interface EndToEndRun {
  /** Events per second actually started. */
  ratePerSecond: number;
  /** Median of scheduled POST start to vendor receipt, ms. */
  p50Ms: number;
  /** 99th percentile of the same, ms. */
  p99Ms: number;
  /** 99th percentile of the POST alone, ms. */
  postP99Ms: number;
  /** Peak RSS of the API, bytes. */
  apiPeakRss: number;
  /** Peak RSS of the worker, bytes. */
  workerPeakRss: number;
}

/** End-to-end latency at a steady rate. */
export interface EndToEndResult {
  /** The rate asked for. */
  targetRate: number;
  /** The runs. */
  runs: EndToEndRun[];
}

/** One backlog drained by a freshly started worker. */
export interface DrainRun {
  /** Distinct events per second, from the first arrival to the last. */
  eventsPerSecond: number;
  /** Seconds from starting the worker to the last arrival. */
  secondsFromStart: number;
  /** Requests beyond one per event (redeliveries). */
  repeats: number;
  /** Peak RSS of the worker, bytes. */
  workerPeakRss: number;
}

/** Draining a backlog to a vendor with a given answer time. */
export interface DrainResult {
  /** The vendor's answer time, ms. */
  vendorDelayMs: number;
  /** Events in the backlog. */
  events: number;
  /** The runs. */
  runs: DrainRun[];
}

/** How the benchmark was run. */
export interface BenchSettings {
  /** Measured runs per figure (after one warm-up). */
  runs: number;
  /** Length of each ingestion run, ms. */
  ingestionMs: number;
  /** Length of each end-to-end run, ms. */
  endToEndMs: number;
  /** The worker's deliveries in flight per rule. */
  workerConcurrency: number;
}

/** How the machine's CPU time was spent during one scenario. */
export interface ScenarioCpu extends CpuShares {
  /** The scenario, e.g. `ingestion`. */
  scenario: string;
}

/** Everything one `deno task bench` found. */
export interface BenchResults {
  /** When it ran (ISO 8601). */
  date: string;
  /** How long the whole benchmark took, seconds. */
  seconds: number;
  /** Machine and versions. */
  facts: MachineFact[];
  /** Run counts and durations. */
  settings: BenchSettings;
  /** Ingestion per concurrency. */
  ingestion: IngestionResult[];
  /** End-to-end latency. */
  endToEnd: EndToEndResult;
  /** Backlog drains per vendor answer time. */
  drains: DrainResult[];
  /** CPU time per scenario (empty where `/proc/stat` is unavailable). */
  cpu: ScenarioCpu[];
}

/** A goal the issue set, and whether this run met it. */
export interface TargetCheck {
  /** The goal, e.g. `API at concurrency 64 >= 0.8x the ceiling`. */
  goal: string;
  /** What was measured, e.g. `0.91x`. */
  measured: string;
  /** True when met. */
  met: boolean;
}

/** Peak RSS ceiling per service, bytes. */
const RSS_TARGET = 200 * 1024 * 1024;

function median(values: readonly number[]): number {
  return spread(values).median;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

function figure(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function cell(s: Spread, unit = ""): string {
  return `${figure(s.median)}${unit} (${figure(s.min)}–${figure(s.max)})`;
}

function pick<T>(runs: readonly T[], field: (run: T) => number): Spread {
  return spread(runs.map(field));
}

/**
 * The API's throughput over the ceiling's at one concurrency, from the medians.
 *
 * @param result Ingestion at one concurrency.
 * @returns The ratio, e.g. 0.9.
 */
export function ceilingRatio(result: IngestionResult): number {
  return median(result.api.map((r) => r.eventsPerSecond)) /
    median(result.ceiling.map((r) => r.eventsPerSecond));
}

/**
 * Holds the results against the targets.
 *
 * @param results The benchmark's findings.
 * @returns One check per target.
 */
export function checkTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const top = results.ingestion.find((r) => r.concurrency === 64);
  if (top !== undefined) {
    const ratio = ceilingRatio(top);
    checks.push({
      goal: "API at concurrency 64 reaches >= 0.8x the ceiling",
      measured: `${ratio.toFixed(2)}x`,
      met: ratio >= 0.8,
    });
  }
  const p99 = median(results.endToEnd.runs.map((r) => r.p99Ms));
  checks.push({
    goal: `end-to-end p99 < 100 ms at ${results.endToEnd.targetRate} events/s`,
    measured: `${figure(p99)} ms`,
    met: p99 < 100,
  });
  const slow = results.drains.find((d) => d.vendorDelayMs === 100);
  if (slow !== undefined) {
    const rate = median(slow.runs.map((r) => r.eventsPerSecond));
    checks.push({
      goal: "drain to a 100 ms vendor at >= 500 events/s",
      measured: `${figure(rate)} events/s`,
      met: rate >= 500,
    });
  }
  const peaks = peakRss(results);
  for (const [service, bytes] of Object.entries(peaks)) {
    checks.push({
      goal: `peak RSS of the ${service} < 200 MiB`,
      measured: mib(bytes),
      met: bytes < RSS_TARGET,
    });
  }
  return checks;
}

/**
 * The highest RSS each service reached in any run.
 *
 * @param results The benchmark's findings.
 * @returns Bytes per service.
 */
export function peakRss(results: BenchResults): { api: number; worker: number } {
  const api = [
    ...results.ingestion.flatMap((r) => r.apiPeakRss),
    ...results.endToEnd.runs.map((r) => r.apiPeakRss),
  ];
  const worker = [
    ...results.endToEnd.runs.map((r) => r.workerPeakRss),
    ...results.drains.flatMap((d) => d.runs.map((r) => r.workerPeakRss)),
  ];
  return { api: Math.max(0, ...api), worker: Math.max(0, ...worker) };
}

/**
 * Renders the findings as Markdown: machine, ingestion, delivery, memory and targets tables.
 *
 * @param results The benchmark's findings.
 * @returns The Markdown text.
 */
export function renderResults(results: BenchResults): string {
  const { settings } = results;
  const out: string[] = [];
  out.push(
    `Run on ${results.date} in ${Math.round(results.seconds)} s. Each figure is the median of ` +
      `${settings.runs} runs after a warm-up, with the min–max in parentheses.`,
    "",
    "| Machine | |",
    "|---|---|",
    ...results.facts.map((f) => `| ${f.name} | ${f.value} |`),
    "",
    `### Ingestion (${settings.ingestionMs / 1000} s closed-loop runs)`,
    "",
    "POST /events through the API, against the ceiling: the same messages sent straight through " +
      "`rocketmq-client-nodejs` from Deno at the same concurrency, without HTTP.",
    "",
    "| Concurrency | API events/s | API p50 ms | API p99 ms | Ceiling events/s | Ceiling p50 ms " +
      "| Ceiling p99 ms | API / ceiling |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|",
  );
  for (const r of results.ingestion) {
    out.push(
      `| ${r.concurrency} | ${cell(pick(r.api, (x) => x.eventsPerSecond))} | ` +
        `${cell(pick(r.api, (x) => x.p50Ms))} | ${cell(pick(r.api, (x) => x.p99Ms))} | ` +
        `${cell(pick(r.ceiling, (x) => x.eventsPerSecond))} | ` +
        `${cell(pick(r.ceiling, (x) => x.p50Ms))} | ${cell(pick(r.ceiling, (x) => x.p99Ms))} | ` +
        `${ceilingRatio(r).toFixed(2)}x |`,
    );
  }
  const failed = results.ingestion.reduce(
    (sum, r) => sum + [...r.api, ...r.ceiling].reduce((s, x) => s + x.failed, 0),
    0,
  );
  out.push("", `Failed requests in all ingestion runs: ${failed}.`);
  const e2e = results.endToEnd.runs;
  out.push(
    "",
    `### Delivery (worker at ${settings.workerConcurrency} deliveries in flight per rule)`,
    "",
    "| Measure | Median | Min–max |",
    "|---|---:|---:|",
    row(
      `End-to-end p50, POST to vendor receipt, at ${results.endToEnd.targetRate} events/s`,
      pick(e2e, (x) => x.p50Ms),
      " ms",
    ),
    row("End-to-end p99, same runs", pick(e2e, (x) => x.p99Ms), " ms"),
    row("POST /events p99, same runs", pick(e2e, (x) => x.postP99Ms), " ms"),
    row("Rate actually sent, same runs", pick(e2e, (x) => x.ratePerSecond), " events/s"),
  );
  for (const d of results.drains) {
    const vendor = d.vendorDelayMs === 0
      ? "a vendor answering at once"
      : `a ${d.vendorDelayMs} ms vendor`;
    out.push(
      row(
        `Drain of ${d.events} events to ${vendor}`,
        pick(d.runs, (x) => x.eventsPerSecond),
        " events/s",
      ),
      row(
        "  same, worker start to last delivery",
        pick(d.runs, (x) => x.secondsFromStart),
        " s",
      ),
      row("  same, redelivered requests", pick(d.runs, (x) => x.repeats), ""),
    );
  }
  const peaks = peakRss(results);
  out.push(
    "",
    "### Memory (peak RSS, kernel high-water mark `VmHWM`)",
    "",
    "| Service | Ingestion | End-to-end | Drain | Highest |",
    "|---|---:|---:|---:|---:|",
    `| API | ${mib(Math.max(...results.ingestion.flatMap((r) => r.apiPeakRss)))} | ${
      mib(Math.max(...e2e.map((x) => x.apiPeakRss)))
    } | – | ${mib(peaks.api)} |`,
    `| Worker | – | ${mib(Math.max(...e2e.map((x) => x.workerPeakRss)))} | ${
      mib(Math.max(...results.drains.flatMap((d) => d.runs.map((x) => x.workerPeakRss))))
    } | ${mib(peaks.worker)} |`,
  );
  if (results.cpu.length > 0) {
    out.push(
      "",
      "### CPU time of the whole machine per scenario (`/proc/stat`, all cores)",
      "",
      "| Scenario | Busy | Idle | Stolen by the hypervisor |",
      "|---|---:|---:|---:|",
      ...results.cpu.map((c) =>
        `| ${c.scenario} | ${percent(c.busy)} | ${percent(c.idle)} | ${percent(c.steal)} |`
      ),
    );
  }
  out.push(
    "",
    "### Targets",
    "",
    "| Target | Measured | Met |",
    "|---|---:|:---:|",
    ...checkTargets(results).map((c) =>
      `| ${c.goal} | ${c.measured} | ${c.met ? "yes" : "**no**"} |`
    ),
  );
  return out.join("\n") + "\n";
}

function percent(share: number): string {
  return `${(share * 100).toFixed(0)}%`;
}

function row(name: string, s: Spread, unit: string): string {
  return `| ${name} | ${figure(s.median)}${unit} | ${figure(s.min)}–${figure(s.max)} |`;
}

/** Marks the generated part of `bench/RESULTS.md`; text outside the markers is kept. */
export const MARKERS = {
  begin: "<!-- bench:begin (written by deno task bench; edit outside these markers) -->",
  end: "<!-- bench:end -->",
} as const;

/**
 * Puts the generated section into a document between {@linkcode MARKERS}, keeping everything else;
 * appends it (with markers) when the document has none.
 *
 * @param document The current file's text (empty when it does not exist).
 * @param section The generated Markdown.
 * @returns The new text.
 */
export function spliceResults(document: string, section: string): string {
  const block = `${MARKERS.begin}\n${section}${MARKERS.end}`;
  const begin = document.indexOf(MARKERS.begin);
  const end = document.indexOf(MARKERS.end);
  if (begin === -1 || end === -1 || end < begin) {
    const prefix = document.trimEnd();
    return `${prefix}${prefix ? "\n\n" : ""}${block}\n`;
  }
  return document.slice(0, begin) + block + document.slice(end + MARKERS.end.length);
}
