/**
 * `deno task bench`: measures ingestion, delivery and memory against the real local RocketMQ and
 * writes the tables into `bench/RESULTS.md` (between its markers; the analysis around them is
 * kept). Runs under `rocketmq/with_broker.ts`, which starts the broker when none is running.
 *
 * Flags: `--runs N` (measured runs per figure, default 3), `--quick` (short runs and small
 * backlogs, to try the benchmark itself; writes nothing unless `--out` is given), `--out PATH`
 * (where to write), `--profile DIR` (run the services with `--cpu-prof` into DIR).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { configPathFrom, loadConfig } from "../shared/config.ts";
import { runMain } from "../shared/entry.ts";
import { planFromConfig, provision, retryPolicyOf } from "../rocketmq/provision.ts";
import { quietLogger, uniqueSuffix } from "../tests/helpers/broker.ts";
import { workerSettingsFrom } from "../worker/settings.ts";
import { type BenchContext, benchDocument, type BenchPlan } from "./context.ts";
import { benchDrain } from "./drain.ts";
import { benchEndToEnd } from "./end_to_end.ts";
import { benchIngestion } from "./ingestion.ts";
import { cpuShares, cpuSnapshot } from "./cpu_time.ts";
import { machineFacts } from "./machine.ts";
import {
  type BenchResults,
  checkTargets,
  renderResults,
  type ScenarioCpu,
  spliceResults,
} from "./report.ts";
import { startCeilingProducer } from "./senders.ts";
import { startBenchVendor } from "./vendor.ts";

const RESULTS_PATH = new URL("./RESULTS.md", import.meta.url);

/** The full benchmark, as the issue asks for it. */
const FULL_PLAN: BenchPlan = {
  runs: 3,
  warmupMs: 3000,
  endToEndWarmupMs: 10_000,
  ingestionMs: 5000,
  concurrencies: [1, 16, 64],
  endToEndRate: 200,
  endToEndMs: 10_000,
  drainEvents: 20_000,
  drainWarmupEvents: 2000,
  slowVendorMs: 100,
};

/** A few seconds per scenario, to check the benchmark itself. */
const QUICK_PLAN: BenchPlan = {
  ...FULL_PLAN,
  runs: 1,
  warmupMs: 500,
  endToEndWarmupMs: 1000,
  ingestionMs: 1000,
  endToEndMs: 2000,
  drainEvents: 1000,
  drainWarmupEvents: 100,
};

function progress(line: string): void {
  console.log(`bench: ${line}`);
}

/**
 * Formats the written document the way `deno fmt` would (aligned tables, wrapped prose), so that
 * a benchmark run leaves `deno task check` clean.
 */
async function formatMarkdown(path: string | URL): Promise<void> {
  const file = path instanceof URL ? path.pathname : path;
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--quiet", file],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!result.success) {
    throw new Error(
      `deno fmt ${file} failed: ${new TextDecoder().decode(result.stderr).trim()}`,
    );
  }
}

async function recordingCpu<T>(
  name: string,
  cpu: ScenarioCpu[],
  scenario: () => Promise<T>,
): Promise<T> {
  const before = cpuSnapshot();
  const result = await scenario();
  const after = cpuSnapshot();
  if (before !== undefined && after !== undefined) {
    const shares = cpuShares(before, after);
    cpu.push({ scenario: name, ...shares });
    progress(`${name}: ${(shares.steal * 100).toFixed(0)}% of the CPU time was stolen`);
  }
  return result;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      runs: { type: "string" },
      quick: { type: "boolean", default: false },
      out: { type: "string" },
      profile: { type: "string" },
    },
    strict: true,
  });
  const plan = { ...(values.quick ? QUICK_PLAN : FULL_PLAN) };
  if (values.runs !== undefined) {
    plan.runs = Number(values.runs);
    if (!Number.isInteger(plan.runs) || plan.runs < 1) {
      console.error(`error: --runs must be a whole number of at least 1, got "${values.runs}"`);
      return 2;
    }
  }
  const outPath = values.out ?? (values.quick ? undefined : RESULTS_PATH);
  const runtimeArgs = values.profile === undefined
    ? []
    : ["--cpu-prof", `--cpu-prof-dir=${values.profile}`];
  const began = performance.now();
  const base = await loadConfig(configPathFrom([], Deno.env));
  const instant = startBenchVendor();
  const slow = startBenchVendor({ delayMs: plan.slowVendorMs });
  const { document, config } = benchDocument(base.mq, uniqueSuffix(), {
    instantUrl: instant.url,
    slowUrl: slow.url,
  });
  progress(`provisioning ${config.notifications.length} benchmark topics and groups`);
  await provision(planFromConfig(config), { retryPolicy: retryPolicyOf(config) });
  const producer = await startCeilingProducer(config, {
    topics: config.notifications.map((rule) => rule.queue_name),
    logger: quietLogger,
  });
  const context: BenchContext = {
    plan,
    document,
    config,
    instant,
    slow,
    producer,
    runtimeArgs,
    workerConcurrency: workerSettingsFrom(Deno.env).concurrency,
    progress,
  };
  let results: BenchResults;
  try {
    const cpu: ScenarioCpu[] = [];
    const ingestion = await recordingCpu("ingestion", cpu, () => benchIngestion(context));
    const endToEnd = await recordingCpu("end-to-end", cpu, () => benchEndToEnd(context));
    const drains = [
      await recordingCpu("drain, instant vendor", cpu, () => benchDrain(context, "drain_instant")),
      await recordingCpu("drain, 100 ms vendor", cpu, () => benchDrain(context, "drain_slow")),
    ];
    results = {
      date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
      seconds: (performance.now() - began) / 1000,
      facts: await machineFacts(),
      settings: {
        runs: plan.runs,
        ingestionMs: plan.ingestionMs,
        endToEndMs: plan.endToEndMs,
        workerConcurrency: context.workerConcurrency,
      },
      ingestion,
      endToEnd,
      drains,
      cpu,
    };
  } finally {
    await producer.close();
    await instant.close();
    await slow.close();
  }
  const section = renderResults(results);
  console.log(`\n${section}`);
  if (outPath !== undefined) {
    let document = "";
    try {
      document = await Deno.readTextFile(outPath);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    await Deno.writeTextFile(outPath, spliceResults(document, section));
    await formatMarkdown(outPath);
    progress(`wrote ${outPath instanceof URL ? outPath.pathname : outPath}`);
  }
  const missed = checkTargets(results).filter((check) => !check.met);
  progress(
    missed.length === 0
      ? "every target met"
      : `targets missed: ${missed.map((c) => `${c.goal} (${c.measured})`).join("; ")}`,
  );
  return 0;
}

if (import.meta.main) await runMain(main);
