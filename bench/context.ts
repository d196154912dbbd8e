/**
 * What every benchmark scenario shares: the benchmark's own config (fresh topics and groups per
 * invocation, so no backlog of an earlier run interferes), the vendors, the ceiling producer, and
 * starting the real services as child processes.
 *
 * @module
 */

import { type Config, type MqConfig, validateConfig } from "../shared/config.ts";
import { type Service, startService } from "../tests/helpers/service.ts";
import { type HttpPool, httpPool } from "./http_client.ts";
import type { CeilingProducer } from "./senders.ts";
import type { BenchVendor } from "./vendor.ts";

/** The benchmark's rules, by name; each has its own event type, topic and consumer group. */
export const RULES = ["ingest", "e2e", "drain_instant", "drain_slow"] as const;

/** One of {@linkcode RULES}. */
export type BenchRule = typeof RULES[number];

/** Durations and counts of one benchmark invocation. */
export interface BenchPlan {
  /** Measured runs per figure. */
  runs: number;
  /** Warm-up before each ingestion concurrency, ms. */
  warmupMs: number;
  /**
   * Warm-up of the end-to-end runs, ms: longer, since it follows the ingestion scenario's heavy
   * load on the broker and a freshly started worker.
   */
  endToEndWarmupMs: number;
  /** Length of each ingestion run, ms. */
  ingestionMs: number;
  /** Concurrencies of the ingestion runs. */
  concurrencies: number[];
  /** Rate of the end-to-end runs, events/s. */
  endToEndRate: number;
  /** Length of each end-to-end run, ms. */
  endToEndMs: number;
  /** Events per drain backlog. */
  drainEvents: number;
  /** Events of the warm-up backlog. */
  drainWarmupEvents: number;
  /** Answer time of the slow vendor, ms. */
  slowVendorMs: number;
}

/** Everything a scenario needs. */
export interface BenchContext {
  /** The plan. */
  plan: BenchPlan;
  /** The benchmark config as a document, for the services' config files. */
  document: { mq: MqConfig; notifications: Record<string, unknown>[] };
  /** The same, validated. */
  config: Config;
  /** Vendor answering at once. */
  instant: BenchVendor;
  /** Vendor answering after `plan.slowVendorMs`. */
  slow: BenchVendor;
  /** The ceiling producer. */
  producer: CeilingProducer;
  /** Extra `deno run` flags for the services (profiling). */
  runtimeArgs: string[];
  /** The worker's deliveries in flight per rule. */
  workerConcurrency: number;
  /** Prints a progress line. */
  progress(line: string): void;
}

/** Options for {@linkcode benchDocument}. */
export interface BenchDocumentOptions {
  /** Base URL of the vendor answering at once. */
  instantUrl: string;
  /** Base URL of the slow vendor. */
  slowUrl: string;
}

/**
 * The benchmark's config: the repository config's RocketMQ connection with its own group prefix
 * and one rule per scenario, on topics suffixed with `suffix`.
 *
 * @param mq The RocketMQ connection to use.
 * @param suffix Keeps this invocation's topics and groups apart from earlier ones.
 * @param options The vendors' URLs.
 * @returns The document and the validated config.
 */
export function benchDocument(
  mq: MqConfig,
  suffix: string,
  options: BenchDocumentOptions,
): { document: BenchContext["document"]; config: Config } {
  const notifications = RULES.map((name) => ({
    name,
    event_type: `bench_${name}`,
    queue_name: `bench_${name}_${suffix}`,
    http_method: "POST",
    http_url: `${name === "drain_slow" ? options.slowUrl : options.instantUrl}/notify`,
    headers: { "Content-Type": "application/json" },
    body: { run: "{$.event.run}", seq: "{$.event.seq}", user_id: "{$.event.user_id}" },
  }));
  const document = { mq: { ...mq, group_name: `notify_bench_${suffix}` }, notifications };
  return { document, config: validateConfig(document, { source: "benchmark config" }) };
}

/**
 * The rule's validated form.
 *
 * @param context The benchmark context.
 * @param name The rule.
 * @returns Its topic, event type and the rest.
 */
export function ruleOf(context: BenchContext, name: BenchRule): Config["notifications"][number] {
  const rule = context.config.notifications.find((r) => r.name === name);
  if (rule === undefined) throw new Error(`the benchmark config has no rule ${name}`);
  return rule;
}

/** A service started by the benchmark. */
export interface BenchService {
  /** The child process. */
  service: Service;
  /** Its process id, for memory readings. */
  pid: number;
  /** Keep-alive connections to the API (API only). */
  http?: HttpPool;
}

/**
 * Starts the API with every benchmark rule, on a free port.
 *
 * @param context The benchmark context.
 * @param port The port to listen on.
 * @returns The running API.
 */
export async function startBenchApi(context: BenchContext, port: number): Promise<BenchService> {
  const service = await startService("api/main.ts", {
    config: context.document,
    env: { PORT: String(port) },
    readyLine: "API Server started",
    runtimeArgs: context.runtimeArgs,
  });
  return { service, pid: service.process.pid, http: httpPool("127.0.0.1", port) };
}

/**
 * Starts a worker that consumes only `rule`, so that each scenario's consumer works alone.
 *
 * @param context The benchmark context.
 * @param rule The rule to consume.
 * @returns The running worker.
 */
export async function startBenchWorker(
  context: BenchContext,
  rule: BenchRule,
): Promise<BenchService> {
  const document = {
    ...context.document,
    notifications: context.document.notifications.filter((r) => r.name === rule),
  };
  const service = await startService("worker/main.ts", {
    config: document,
    env: { WORKER_CONCURRENCY: String(context.workerConcurrency) },
    readyLine: "RocketMQ Subscriber (Worker) started.",
    runtimeArgs: context.runtimeArgs,
  });
  return { service, pid: service.process.pid };
}

/**
 * Stops a service with SIGTERM and fails when it does not exit cleanly.
 *
 * @param running The service.
 * @param name Its name, for the error.
 */
export async function stopBenchService(running: BenchService, name: string): Promise<void> {
  running.http?.close();
  const status = await running.service.stop("SIGTERM");
  if (status.code !== 0) {
    throw new Error(
      `${name} exited with ${status.code} on SIGTERM:\n${
        running.service.output.slice(-20).join("\n")
      }`,
    );
  }
}
