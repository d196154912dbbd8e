/**
 * Provisioning of topics (message type NORMAL) and consumer groups (EXPONENTIAL retry policy)
 * with RocketMQ's admin tool (`MQAdminStartup updateTopic` / `updateSubGroup`). RocketMQ 5 proxies
 * never auto-create either for gRPC clients, and gRPC push consumers receive the group's retry
 * policy from the proxy, so this is what makes the worker's retries behave.
 *
 * @module
 */

import { consumerGroupOf, deadLetterTopicOf, topicsOf } from "../shared/config.ts";
import type { Config } from "../shared/config.ts";
import { BrokerError } from "./errors.ts";
import { adminTool, type AdminToolOptions } from "./java.ts";
import { canConnect, delay, parseHostPort } from "./ports.ts";
import { CLUSTER_NAME } from "./render.ts";

/** Exponential redelivery backoff of a consumer group, in milliseconds. */
export interface RetryPolicy {
  /** Delay before the first redelivery. */
  initialMs: number;
  /** Upper bound of the delay. */
  maxMs: number;
  /** Factor between consecutive delays. */
  multiplier: number;
}

/** Default backoff: 1 s, 2 s, 4 s ... capped at 60 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { initialMs: 1000, maxMs: 60_000, multiplier: 2 };

/** Default queue count of provisioned topics (read and write). */
export const DEFAULT_QUEUES = 4;

/** What to create: topics and consumer groups on one cluster. */
export interface ProvisionPlan {
  /** NameServer address ("host:port", or a ";"-separated list). */
  nameServer: string;
  /** Cluster to create them in (default "DefaultCluster"). */
  cluster?: string;
  /** Topics, created with message type NORMAL. */
  topics: string[];
  /** Consumer groups, created with the retry policy. */
  groups: string[];
  /** Deliveries after the first one before a message goes to the dead-letter queue. */
  retryMaxTimes: number;
}

/**
 * Builds the plan a configuration needs: its topics, one consumer group per rule, and each
 * group's dead-letter topic. RocketMQ would create a dead-letter topic on the first dead letter,
 * but a consumer group that starts reading a topic after messages landed starts at its end;
 * creating them up front lets operators subscribe before anything is dead-lettered.
 */
export function planFromConfig(config: Config): ProvisionPlan {
  const groups = config.notifications.map((rule) => consumerGroupOf(config, rule));
  const deadLetterTopics = config.notifications.map((rule) => deadLetterTopicOf(config, rule));
  return {
    nameServer: config.mq.name_server.join(";"),
    topics: [...new Set([...topicsOf(config), ...deadLetterTopics])],
    groups: [...new Set(groups)],
    retryMaxTimes: config.mq.max_retries,
  };
}

/** The retry policy a configuration asks for (`mq.retry_backoff`). */
export function retryPolicyOf(config: Config): RetryPolicy {
  const backoff = config.mq.retry_backoff;
  return { initialMs: backoff.initial_ms, maxMs: backoff.max_ms, multiplier: backoff.multiplier };
}

/** Options of {@linkcode adminCommands}. */
export interface AdminCommandOptions {
  /** Retry policy of the groups (default {@linkcode DEFAULT_RETRY_POLICY}). */
  retryPolicy?: RetryPolicy;
  /** Read/write queues per topic (default {@linkcode DEFAULT_QUEUES}). */
  queues?: number;
}

/** Builds the `MQAdminStartup` argument lists that carry out `plan`, topics first. */
export function adminCommands(plan: ProvisionPlan, options: AdminCommandOptions = {}): string[][] {
  const policy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const queues = String(options.queues ?? DEFAULT_QUEUES);
  const cluster = plan.cluster ?? CLUSTER_NAME;
  if (!Number.isInteger(plan.retryMaxTimes) || plan.retryMaxTimes < 0) {
    throw new BrokerError(`retryMaxTimes ${plan.retryMaxTimes} is not a whole number >= 0`);
  }
  const retryPolicyJson = JSON.stringify({
    type: "EXPONENTIAL",
    exponentialRetryPolicy: {
      initial: policy.initialMs,
      max: policy.maxMs,
      multiplier: policy.multiplier,
    },
  });
  const common = ["-n", plan.nameServer, "-c", cluster];
  const topics = plan.topics.map((topic) => [
    "updateTopic",
    ...common,
    "-t",
    topic,
    "-r",
    queues,
    "-w",
    queues,
    "-a",
    "+message.type=NORMAL",
  ]);
  const groups = plan.groups.map((group) => [
    "updateSubGroup",
    ...common,
    "-g",
    group,
    "-r",
    String(plan.retryMaxTimes),
    "-p",
    retryPolicyJson,
  ]);
  return [...topics, ...groups];
}

/** Explains a failed admin command in a few words (the innermost cause), from its output. */
export function adminFailureCause(output: string): string {
  const lines = output.split("\n").map((line) => line.trim()).filter((line) => line !== "");
  const causes = lines.filter((line) => line.startsWith("Caused by:"));
  const line = causes.at(-1) ?? lines.find((l) => /exception|error/i.test(l)) ?? lines[0] ??
    "no output";
  return line.replace(/^Caused by:\s*/, "").replace(/^[\w.$]+(?:Exception|Error):\s*/, "")
    .replace(/^\[error\]\s*/i, "").replace(/(?:TopicConfig \[|SubscriptionGroupConfig\{).*$/, "")
    .trim().slice(0, 200);
}

/** Tells whether an admin command's output reports success (and no failure on any broker). */
export function adminSucceeded(output: string): boolean {
  return /\bsuccess\b/i.test(output) && !/Exception|command failed/i.test(output);
}

/**
 * Tells whether an admin command has printed its final output: after trying every master of the
 * cluster (or finding none) it prints the requested config (a group's without a newline).
 */
export function adminFinished(output: string): boolean {
  const start = Math.max(
    output.lastIndexOf("TopicConfig ["),
    output.lastIndexOf("SubscriptionGroupConfig{"),
  );
  if (start < 0) return false;
  let depth = 0;
  for (const char of output.slice(start)) {
    if (char === "[" || char === "{") depth++;
    if (char === "]" || char === "}") {
      depth--;
      if (depth === 0) return true;
    }
  }
  return false;
}

/** Outcome of one admin tool run. */
interface AdminRun {
  ok: boolean;
  output: string;
}

/**
 * Runs the admin tool once. Once it has printed its final line it is terminated: otherwise the
 * JVM idles ~3 s more while the client's network threads shut down.
 */
async function runAdmin(
  java: string,
  args: string[],
  signal: AbortSignal | undefined,
): Promise<AdminRun> {
  const child = new Deno.Command(java, {
    args,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
    signal,
  }).spawn();
  let output = "";
  let finished = false;
  async function drain(stream: ReadableStream<Uint8Array>): Promise<void> {
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      output += text;
      if (!finished && adminFinished(output)) {
        finished = true;
        try {
          child.kill("SIGTERM");
        } catch {
          // exited meanwhile
        }
      }
    }
  }
  const [status] = await Promise.all([child.status, drain(child.stdout), drain(child.stderr)]);
  return { ok: (finished || status.success) && adminSucceeded(output), output };
}

/** Options of {@linkcode provision}. */
export interface ProvisionOptions extends AdminCommandOptions, AdminToolOptions {
  /** Give up after this long, retrying failed commands meanwhile (default 60000 ms). */
  timeoutMs?: number;
  /** Aborts the retries. */
  signal?: AbortSignal;
}

/** The subject of an admin command, e.g. "topic orders". */
function subjectOf(args: string[]): string {
  const kind = args[0] === "updateTopic" ? "topic" : "consumer group";
  const flag = args[0] === "updateTopic" ? "-t" : "-g";
  return `${kind} ${args[args.indexOf(flag) + 1]}`;
}

/**
 * Creates or updates every topic and consumer group of `plan` (idempotent), retrying until the
 * broker has registered with the NameServer or `timeoutMs` passes; throws {@linkcode BrokerError}.
 */
export async function provision(
  plan: ProvisionPlan,
  options: ProvisionOptions = {},
): Promise<void> {
  const nameServer = parseHostPort(plan.nameServer, 9876);
  if (!(await canConnect(nameServer, 2000))) {
    throw new BrokerError(
      `the NameServer at ${plan.nameServer} is not reachable: start the local broker (deno task broker:start) or fix mq.name_server`,
    );
  }
  const commands = adminCommands(plan, options);
  if (commands.length === 0) return;
  const tool = await adminTool(options);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  // all at once (up to 6): each command is a short JVM, mostly waiting on the network
  const pending = [...commands];
  async function runAll(): Promise<void> {
    for (let args = pending.shift(); args; args = pending.shift()) {
      await runUntilSuccess(args);
    }
  }
  async function runUntilSuccess(args: string[]): Promise<void> {
    for (let attempt = 1;; attempt++) {
      const { ok, output: text } = await runAdmin(
        tool.command,
        [...tool.args, ...args],
        options.signal,
      );
      if (ok) {
        options.log?.(`provisioned ${subjectOf(args)}`);
        return;
      }
      if (Date.now() >= deadline || options.signal?.aborted) {
        throw new BrokerError(
          `provisioning ${subjectOf(args)} on ${plan.nameServer} failed (${
            adminFailureCause(text)
          }): check that a broker of cluster ${plan.cluster ?? CLUSTER_NAME} is registered there`,
        );
      }
      if (attempt === 1) {
        options.log?.(
          `${subjectOf(args)}: ${adminFailureCause(text)}; retrying until the broker is ready`,
        );
      }
      await delay(1000, options.signal);
    }
  }
  await Promise.all(Array.from({ length: Math.min(6, commands.length) }, runAll));
}
