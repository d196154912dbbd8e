/**
 * `deno run -A rocketmq/with_broker.ts <command...>`: runs a command (e.g. `deno test -A`) with a
 * RocketMQ broker reachable at the configuration's endpoints.
 *
 * When the broker is already reachable it only provisions the configuration's topics and groups;
 * otherwise it starts the local broker (like `broker:start`) and stops it again after the command,
 * also on SIGINT/SIGTERM, which are forwarded to the command. The exit code is the command's.
 *
 * @module
 */

import { type Config, configPathFrom, loadConfig } from "../shared/config.ts";
import { reportFailure, withInterrupt } from "./cli.ts";
import { BrokerError } from "./errors.ts";
import {
  brokerReachable,
  configAddresses,
  localPortsFromConfig,
  startBroker,
  stopBroker,
} from "./local_broker.ts";
import { planFromConfig, provision, retryPolicyOf } from "./provision.ts";

/** Exit code of a command: its own, or 128 + signal number when a signal ended it. */
export function exitCodeOf(status: Deno.CommandStatus): number {
  if (status.signal === null) return status.code;
  const numbers: Partial<Record<Deno.Signal, number>> = {
    SIGHUP: 1,
    SIGINT: 2,
    SIGQUIT: 3,
    SIGKILL: 9,
    SIGTERM: 15,
  };
  return 128 + (numbers[status.signal] ?? 0) || status.code || 1;
}

function log(line: string): void {
  console.error(`rocketmq: ${line}`);
}

/** Options of {@linkcode ensureBroker}. */
export interface EnsureBrokerOptions {
  /** Aborting stops what was started and rejects. */
  signal?: AbortSignal;
}

/**
 * Makes the config's broker usable: provisions it when it is reachable, otherwise starts the
 * local one (which provisions too).
 *
 * @param config The validated config.
 * @param options Abort signal.
 * @returns True when this call started the local broker (so the caller should stop it).
 */
export async function ensureBroker(
  config: Config,
  options: EnsureBrokerOptions = {},
): Promise<boolean> {
  const plan = planFromConfig(config);
  const retryPolicy = retryPolicyOf(config);
  const { nameServer, grpc } = configAddresses(config.mq);
  if (await brokerReachable(nameServer, grpc)) {
    log(`using the broker at ${plan.nameServer}`);
    await provision(plan, { retryPolicy, log, signal: options.signal, timeoutMs: 30_000 });
    return false;
  }
  const { nameServer: _, ...rest } = plan;
  const result = await startBroker({
    ports: localPortsFromConfig(config.mq),
    plan: rest,
    retryPolicy,
    log,
    signal: options.signal,
  });
  return result.started;
}

async function main(command: string[]): Promise<number> {
  if (command.length === 0) {
    throw new BrokerError(
      "no command given: usage is deno run -A rocketmq/with_broker.ts <command...>",
    );
  }
  const config = await loadConfig(configPathFrom([], Deno.env));
  const started = await withInterrupt((signal) => ensureBroker(config, { signal }));
  let child: Deno.ChildProcess | undefined;
  function forward(signal: Deno.Signal): void {
    try {
      child?.kill(signal);
    } catch {
      // already exited
    }
  }
  function onInt(): void {
    forward("SIGINT");
  }
  function onTerm(): void {
    forward("SIGTERM");
  }
  Deno.addSignalListener("SIGINT", onInt);
  Deno.addSignalListener("SIGTERM", onTerm);
  try {
    try {
      child = new Deno.Command(command[0], { args: command.slice(1) }).spawn();
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new BrokerError(`command "${command[0]}" was not found: check the command line`);
      }
      throw error;
    }
    return exitCodeOf(await child.status);
  } finally {
    if (started) {
      log("stopping the broker started for this run");
      await stopBroker({ log });
    }
    Deno.removeSignalListener("SIGINT", onInt);
    Deno.removeSignalListener("SIGTERM", onTerm);
  }
}

if (import.meta.main) {
  let code: number;
  try {
    code = await main(Deno.args);
  } catch (error) {
    code = reportFailure(error);
  }
  Deno.exit(code);
}
