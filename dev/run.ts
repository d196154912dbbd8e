/**
 * `deno task dev [--config PATH]`: the whole system on one machine. Starts the local RocketMQ
 * when none is reachable (and stops it again at the end), the echo vendor that the default
 * config's rule points at, the API and the worker, with every line prefixed by its service.
 * Ctrl-C stops everything in order; a service that dies stops the rest.
 *
 * @module
 */

import { loadConfigOrExit } from "../shared/config.ts";
import { lines } from "../shared/lines.ts";
import { aborted, onShutdownSignal } from "../shared/signals.ts";
import { v8FlagsArg } from "../shared/v8_flags.ts";
import { settlesWithin } from "../shared/deadline.ts";
import { reportFailure } from "../rocketmq/cli.ts";
import { stopBroker } from "../rocketmq/local_broker.ts";
import { ensureBroker } from "../rocketmq/with_broker.ts";
import { echoVendorPort, startEchoVendor } from "./echo_vendor.ts";

const ROOT = new URL("../", import.meta.url).pathname;

function say(service: string, line: string): void {
  console.log(`[${service.padEnd(6)}] ${line}`);
}

/** A service running as a child process, its output prefixed. */
interface Child {
  name: string;
  process: Deno.ChildProcess;
  done: Promise<Deno.CommandStatus>;
  /** Set once the service logged that it is shutting down (e.g. it got the terminal's Ctrl-C). */
  stopping: boolean;
}

function spawn(name: string, entry: string, configPath: string): Child {
  const process = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", v8FlagsArg(entry), `${ROOT}${entry}`, "--config", configPath],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const child: Child = { name, process, done: process.status, stopping: false };
  async function pipe(stream: ReadableStream<Uint8Array>): Promise<void> {
    for await (const line of lines(stream)) {
      if (line.includes("shutting down")) child.stopping = true;
      say(name, line);
    }
  }
  const piped = Promise.all([pipe(process.stdout), pipe(process.stderr)]);
  child.done = process.status.then(async (status) => {
    await piped;
    return status;
  });
  return child;
}

/**
 * Stops a service gracefully. Ctrl-C in a terminal reaches the services too; a second signal
 * would make them exit at once, so SIGTERM goes only to those not already shutting down.
 */
async function stop(child: Child): Promise<void> {
  if (await settlesWithin(child.done, 500)) return;
  if (!child.stopping) {
    try {
      child.process.kill("SIGTERM");
    } catch {
      return; // already exited
    }
  }
  if (!await settlesWithin(child.done, 40_000)) {
    say("dev", `${child.name} did not stop within 40 s; killing it`);
    child.process.kill("SIGKILL");
    await child.done;
  }
}

async function main(): Promise<number> {
  const { config, path } = await loadConfigOrExit(Deno.args);
  const vendorPort = echoVendorPort(Deno.env);
  const signal = onShutdownSignal(() => say("dev", "stopping (Ctrl-C again to force)"));
  const startedBroker = await ensureBroker(config, { signal });
  const vendor = startEchoVendor({ port: vendorPort, log: (line) => say("vendor", line) });
  const children = [spawn("api", "api/main.ts", path), spawn("worker", "worker/main.ts", path)];
  const exited = Promise.race(children.map((child) => child.done.then(() => child)));
  let code = 0;
  const first = await Promise.race([aborted(signal).then(() => undefined), exited]);
  if (first !== undefined) {
    const status = await first.done;
    say("dev", `${first.name} exited with code ${status.code}; stopping the rest`);
    code = 1;
  }
  await Promise.all(children.map(stop));
  await vendor.shutdown();
  if (startedBroker) await stopBroker({ log: (line) => say("broker", line) });
  return code;
}

if (import.meta.main) {
  try {
    Deno.exit(await main());
  } catch (error) {
    Deno.exit(reportFailure(error));
  }
}
