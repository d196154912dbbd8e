/**
 * `deno run -A rocketmq/cli.ts <start|stop|wipe|provision|dead-letters> [--config PATH] [--timeout SECONDS]
 * [--retry-initial MS] [--retry-max MS] [--retry-multiplier N]`
 *
 * The `broker:*` tasks. Every failure ends with one sentence on stderr and exit code 1.
 *
 * @module
 */

import { ConfigError, configPathFrom, loadConfig } from "../shared/config.ts";
import type { Config } from "../shared/config.ts";
import { consumerGroupOf, deadLetterTopicOf } from "../shared/config.ts";
import { readTopic } from "./dead_letters.ts";
import { BrokerError } from "./errors.ts";
import { localPortsFromConfig, startBroker, stopBroker, wipeBroker } from "./local_broker.ts";
import { planFromConfig, provision, retryPolicyOf } from "./provision.ts";
import type { RetryPolicy } from "./provision.ts";

const USAGE =
  "usage: deno run -A rocketmq/cli.ts <start|stop|wipe|provision|dead-letters> [--config PATH] [--timeout SECONDS] [--retry-initial MS] [--retry-max MS] [--retry-multiplier N]";

/** Parsed command line of the CLI. */
export interface CliArgs {
  /** The subcommand. */
  command: "start" | "stop" | "wipe" | "provision" | "dead-letters";
  /** Arguments left for {@linkcode configPathFrom} (`--config PATH`). */
  rest: string[];
  /** `--timeout` in milliseconds, if given. */
  timeoutMs?: number;
  /** Overrides of the configuration's retry policy (`mq.retry_backoff`). */
  retryPolicy: Partial<RetryPolicy>;
}

function numberFlag(flag: string, value: string | undefined): number {
  const parsed = Number(value);
  if (value === undefined || !Number.isFinite(parsed) || parsed <= 0) {
    throw new BrokerError(`${flag} needs a positive number, got "${value ?? ""}": ${USAGE}`);
  }
  return parsed;
}

/** Parses the CLI arguments; throws {@linkcode BrokerError} on misuse. */
export function parseCliArgs(args: string[]): CliArgs {
  const [command, ...others] = args;
  if (
    command !== "start" && command !== "stop" && command !== "wipe" && command !== "provision" &&
    command !== "dead-letters"
  ) {
    throw new BrokerError(`unknown command "${command ?? ""}": ${USAGE}`);
  }
  const rest: string[] = [];
  const retryPolicy: Partial<RetryPolicy> = {};
  let timeoutMs: number | undefined;
  for (let i = 0; i < others.length; i++) {
    const [flag, inline] = others[i].split(/=(.*)/s, 2);
    const value = inline ?? others[i + 1];
    if (inline === undefined) i++;
    switch (flag) {
      case "--timeout":
        timeoutMs = numberFlag(flag, value) * 1000;
        break;
      case "--retry-initial":
        retryPolicy.initialMs = numberFlag(flag, value);
        break;
      case "--retry-max":
        retryPolicy.maxMs = numberFlag(flag, value);
        break;
      case "--retry-multiplier":
        retryPolicy.multiplier = numberFlag(flag, value);
        break;
      case "--config":
        rest.push("--config", value ?? "");
        break;
      default:
        throw new BrokerError(`unknown option "${flag}": ${USAGE}`);
    }
  }
  return { command, rest, timeoutMs, retryPolicy };
}

function log(line: string): void {
  console.error(`rocketmq: ${line}`);
}

async function readConfig(rest: string[]): Promise<Config> {
  return await loadConfig(configPathFrom(rest, Deno.env));
}

/** Runs the signal-aware `fn`, aborting it on SIGINT/SIGTERM. */
export async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  function onSignal(): void {
    controller.abort(new BrokerError("interrupted"));
  }
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  for (const signal of signals) Deno.addSignalListener(signal, onSignal);
  try {
    return await fn(controller.signal);
  } catch (error) {
    if (controller.signal.aborted && !(error instanceof BrokerError)) {
      throw new BrokerError("interrupted before finishing: run the command again to complete it");
    }
    throw error;
  } finally {
    for (const signal of signals) Deno.removeSignalListener(signal, onSignal);
  }
}

/** Prints a failure as one sentence (never a stack trace) and returns the exit code. */
export function reportFailure(error: unknown): number {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else if (error instanceof BrokerError) {
    console.error(`error: ${error.message}`);
  } else {
    const text = error instanceof Error ? error.message : String(error);
    console.error(`error: unexpected failure (${text.split("\n")[0]}): please report it`);
  }
  return 1;
}

async function run(cli: CliArgs): Promise<void> {
  switch (cli.command) {
    case "start": {
      const config = await readConfig(cli.rest);
      const ports = localPortsFromConfig(config.mq);
      const { nameServer: _, ...plan } = planFromConfig(config);
      const retryPolicy = { ...retryPolicyOf(config), ...cli.retryPolicy };
      await withInterrupt((signal) =>
        startBroker({ ports, plan, retryPolicy, timeoutMs: cli.timeoutMs, log, signal })
      );
      break;
    }
    case "stop": {
      const stopped = await stopBroker({ log });
      log(stopped.length ? "stopped; data kept in .rocketmq/" : "nothing was running");
      break;
    }
    case "wipe":
      await wipeBroker({ log });
      break;
    case "provision": {
      const config = await readConfig(cli.rest);
      const plan = planFromConfig(config);
      const retryPolicy = { ...retryPolicyOf(config), ...cli.retryPolicy };
      await withInterrupt((signal) =>
        provision(plan, { retryPolicy, timeoutMs: cli.timeoutMs, log, signal })
      );
      log(`provisioned ${plan.topics.length} topic(s) and ${plan.groups.length} group(s)`);
      break;
    }
    case "dead-letters": {
      const config = await readConfig(cli.rest);
      for (const rule of config.notifications) {
        const topic = deadLetterTopicOf(config, rule);
        const messages = await readTopic(config.mq.name_server.join(";"), topic);
        console.log(
          `rule ${rule.name} (group ${consumerGroupOf(config, rule)}): ${messages.length} ` +
            `dead letter(s) in ${topic}`,
        );
        for (const message of messages) {
          console.log(
            `  key=${message.keys.join(",")} retries=${message.reconsumeTimes} ${message.body}`,
          );
        }
      }
      break;
    }
  }
}

if (import.meta.main) {
  try {
    await run(parseCliArgs(Deno.args));
  } catch (error) {
    Deno.exit(reportFailure(error));
  }
}
