/**
 * Starting, stopping and wiping the local RocketMQ: one NameServer JVM and one JVM running the
 * broker with its gRPC proxy ("local" proxy mode). The JVMs run detached, with their pids in
 * `.rocketmq/run/` and all data and logs below `.rocketmq/`.
 *
 * @module
 */

import { join, relative } from "node:path";
import type { MqConfig } from "../shared/config.ts";
import { BrokerError } from "./errors.ts";
import { findJava, jvmArgs, pathExists, resolveJars } from "./java.ts";
import type { Env, JavaRuntime, JvmRole, ServerJars } from "./java.ts";
import { localLayout } from "./layout.ts";
import type { LocalLayout } from "./layout.ts";
import {
  canConnect,
  delay,
  describePortHolder,
  isLoopback,
  isPortFree,
  parseHostPort,
} from "./ports.ts";
import type { HostPort } from "./ports.ts";
import { sendProbe } from "./probe.ts";
import { provision } from "./provision.ts";
import type { ProvisionPlan, RetryPolicy } from "./provision.ts";
import {
  brokerPorts,
  DEFAULT_PORTS,
  nameServerPorts,
  renderBrokerConf,
  renderNamesrvProperties,
  renderProxyJson,
} from "./render.ts";
import type { LocalPorts, PortUse } from "./render.ts";

/** Topic that `start` sends its readiness probe to (never one a worker consumes). */
export const HEALTH_TOPIC = "notify_local_health";

/** Default time `start` waits for a real send to succeed. */
export const DEFAULT_START_TIMEOUT_MS = 180_000;

/** The JVMs started here, in start order. */
const ROLES: readonly ("namesrv" | "broker")[] = ["namesrv", "broker"];

/** Options shared by start, stop and wipe. */
export interface LocalBrokerOptions {
  /** Layout of `.rocketmq/` (default: at the repository root). */
  layout?: LocalLayout;
  /** Reports progress lines (default: silent). */
  log?: (line: string) => void;
}

/** Options of {@linkcode startBroker}. */
export interface StartOptions extends LocalBrokerOptions {
  /** Ports (default {@linkcode DEFAULT_PORTS}; see {@linkcode localPortsFromConfig}). */
  ports?: LocalPorts;
  /** Topics and groups to provision once the broker is up (the NameServer comes from `ports`). */
  plan?: Omit<ProvisionPlan, "nameServer">;
  /** Retry policy of the provisioned groups. */
  retryPolicy?: RetryPolicy;
  /** How long to wait for a real send to succeed (default 180000 ms). */
  timeoutMs?: number;
  /** Environment (default `Deno.env`): JAVA_HOME, ROCKETMQ_HOME. */
  env?: Env;
  /** Aborting stops what was started and rejects. */
  signal?: AbortSignal;
}

/** Outcome of {@linkcode startBroker}. */
export interface StartResult {
  /** True when this call started the JVMs, false when a broker was already reachable. */
  started: boolean;
  /** Pids of the started JVMs (empty when nothing was started). */
  pids: number[];
}

/** The first NameServer and the first gRPC endpoint of `mq`. */
export function configAddresses(mq: MqConfig): { nameServer: HostPort; grpc: HostPort } {
  return {
    nameServer: parseHostPort(mq.name_server[0] ?? "", DEFAULT_PORTS.nameServer),
    grpc: parseHostPort(mq.endpoints[0] ?? "", DEFAULT_PORTS.grpc),
  };
}

/**
 * Derives the local ports from the first of `mq.name_server` and of `mq.endpoints`; both must name
 * this machine, since `broker:start` only runs a local broker.
 */
export function localPortsFromConfig(mq: MqConfig): LocalPorts {
  const { nameServer, grpc } = configAddresses(mq);
  for (const [key, address] of [["mq.name_server", nameServer], ["mq.endpoints", grpc]] as const) {
    if (!isLoopback(address.hostname)) {
      throw new BrokerError(
        `${key} points at ${address.hostname}, which is not this machine: the local broker only serves 127.0.0.1, so use "deno task broker:provision" for your own cluster`,
      );
    }
  }
  return { ...DEFAULT_PORTS, nameServer: nameServer.port, grpc: grpc.port };
}

/** The NameServer and gRPC addresses of the local broker. */
export function localAddresses(ports: LocalPorts): { nameServer: HostPort; grpc: HostPort } {
  return {
    nameServer: { hostname: "127.0.0.1", port: ports.nameServer },
    grpc: { hostname: "127.0.0.1", port: ports.grpc },
  };
}

/** Tells whether both the NameServer and the proxy's gRPC port accept TCP connections. */
export async function brokerReachable(nameServer: HostPort, grpc: HostPort): Promise<boolean> {
  const [ns, proxy] = await Promise.all([canConnect(nameServer), canConnect(grpc)]);
  return ns && proxy;
}

function pidFile(layout: LocalLayout, role: JvmRole): string {
  return join(layout.run, `${role}.pid`);
}

function outFile(layout: LocalLayout, role: JvmRole): string {
  return join(layout.logs, `${role}.out`);
}

function shown(path: string): string {
  const rel = relative(Deno.cwd(), path);
  return rel.startsWith("..") ? path : rel;
}

/** Tells whether `pid` is a live JVM started by this tooling for `layout` (not a zombie). */
async function isOurProcess(pid: number, layout: LocalLayout): Promise<boolean> {
  try {
    const cmdline = await Deno.readTextFile(`/proc/${pid}/cmdline`);
    return cmdline.split("\0").includes(`-Dnotify.rocketmq.base=${layout.base}`);
  } catch {
    return false;
  }
}

async function readPid(layout: LocalLayout, role: JvmRole): Promise<number | undefined> {
  try {
    const pid = Number((await Deno.readTextFile(pidFile(layout, role))).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Sends SIGTERM, waits up to `graceMs`, then SIGKILL; resolves once the process is gone. */
async function terminate(pid: number, layout: LocalLayout, graceMs: number): Promise<void> {
  function send(signal: Deno.Signal): void {
    try {
      Deno.kill(pid, signal);
    } catch {
      // already gone
    }
  }
  send("SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!(await isOurProcess(pid, layout))) return;
    await delay(200);
  }
  send("SIGKILL");
  for (let i = 0; i < 50 && await isOurProcess(pid, layout); i++) await delay(100);
}

/**
 * The pids of the local JVMs that `start` launched and that still run (empty when the broker in
 * use is not ours, e.g. an existing cluster or another checkout's).
 */
export async function runningBrokerPids(options: LocalBrokerOptions = {}): Promise<number[]> {
  const layout = options.layout ?? localLayout();
  const pids: number[] = [];
  for (const role of ROLES) {
    const pid = await readPid(layout, role);
    if (pid !== undefined && await isOurProcess(pid, layout)) pids.push(pid);
  }
  return pids;
}

/** Options of {@linkcode stopBroker}. */
export interface StopOptions extends LocalBrokerOptions {
  /** How long each JVM gets after SIGTERM before SIGKILL (default 20000 ms). */
  graceMs?: number;
}

/**
 * Stops the JVMs recorded in `.rocketmq/run/` (broker first), keeping their data; resolves with
 * the pids that were stopped.
 */
export async function stopBroker(options: StopOptions = {}): Promise<number[]> {
  const layout = options.layout ?? localLayout();
  const stopped: number[] = [];
  for (const role of [...ROLES].reverse()) {
    const pid = await readPid(layout, role);
    if (pid !== undefined && await isOurProcess(pid, layout)) {
      options.log?.(`stopping ${role} (pid ${pid})`);
      await terminate(pid, layout, options.graceMs ?? 20_000);
      stopped.push(pid);
    }
    await Deno.remove(pidFile(layout, role)).catch(() => {});
  }
  return stopped;
}

/** Stops the local broker and deletes its data and logs; the downloaded jars stay. */
export async function wipeBroker(options: StopOptions = {}): Promise<void> {
  const layout = options.layout ?? localLayout();
  await stopBroker({ ...options, layout });
  const keep = new Set([layout.lib]);
  try {
    for await (const entry of Deno.readDir(layout.base)) {
      const path = join(layout.base, entry.name);
      if (!keep.has(path)) await Deno.remove(path, { recursive: true });
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const kept = await pathExists(layout.lib) ? ` (kept the jars in ${shown(layout.lib)})` : "";
  options.log?.(`deleted data and logs in ${shown(layout.base)}${kept}`);
}

async function ensureFree(uses: PortUse[]): Promise<void> {
  for (const use of uses) {
    if (isPortFree(use.port)) continue;
    const holder = await describePortHolder(use.port);
    const by = holder ? ` by ${holder}` : "";
    throw new BrokerError(
      `port ${use.port} (${use.role}) is already in use${by}: stop that process, or run "deno task broker:stop" if it is a broker started here`,
    );
  }
}

interface Started {
  role: JvmRole;
  pid: number;
  status: Promise<Deno.CommandStatus>;
}

function spawnDetached(
  role: JvmRole,
  java: JavaRuntime,
  jars: ServerJars,
  layout: LocalLayout,
  mainArgs: string[],
): Started {
  const args = [
    ...jvmArgs(role, {
      javaMajor: java.major,
      libDir: jars.libDir,
      layout,
      rocketmqHome: jars.rocketmqHome,
    }),
    ...mainArgs,
  ];
  // sh only redirects the JVM's stdout/stderr into a file, then becomes the JVM (exec)
  const child = new Deno.Command("/bin/sh", {
    args: ["-c", 'exec "$@" >>"$0" 2>&1', outFile(layout, role), java.command, ...args],
    cwd: layout.base,
    stdin: "null",
    stdout: "null",
    stderr: "null",
    detached: true,
  }).spawn();
  child.unref();
  return { role, pid: child.pid, status: child.status };
}

/** Waits until `port` accepts connections, failing early when the process exits. */
async function waitForListen(
  started: Started,
  port: number,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  let exit: Deno.CommandStatus | undefined;
  started.status.then((status) => exit = status);
  while (true) {
    if (await canConnect({ hostname: "127.0.0.1", port }, 500)) return;
    if (exit) throw new ExitedEarly(started.role, exit.code);
    if (Date.now() >= deadline) throw new TimedOut();
    await delay(250, signal);
  }
}

class ExitedEarly extends Error {
  constructor(readonly role: JvmRole, readonly code: number) {
    super(`${role} exited with code ${code}`);
  }
}

class TimedOut extends Error {}

/**
 * Starts the local NameServer and broker-with-proxy (downloading the jars on first use), waits
 * until a real send through gRPC succeeds, then provisions `plan`. When a broker is already
 * reachable at the ports it only provisions. On failure everything it started is killed and a
 * {@linkcode BrokerError} with one explanatory sentence is thrown.
 */
export async function startBroker(options: StartOptions = {}): Promise<StartResult> {
  const layout = options.layout ?? localLayout();
  const ports = options.ports ?? DEFAULT_PORTS;
  const log = options.log ?? (() => {});
  const { nameServer, grpc } = localAddresses(ports);
  const nameServerText = `127.0.0.1:${ports.nameServer}`;
  const plan: ProvisionPlan = {
    nameServer: nameServerText,
    topics: [HEALTH_TOPIC, ...(options.plan?.topics ?? [])],
    groups: options.plan?.groups ?? [],
    retryMaxTimes: options.plan?.retryMaxTimes ?? 16,
    cluster: options.plan?.cluster,
  };
  const timeoutMs = options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS;

  if (await brokerReachable(nameServer, grpc)) {
    log(`a broker is already running at ${nameServerText} (gRPC ${ports.grpc}); provisioning only`);
    await provision(plan, {
      retryPolicy: options.retryPolicy,
      layout,
      env: options.env,
      log,
      signal: options.signal,
      timeoutMs: 30_000,
    });
    return { started: false, pids: [] };
  }
  // leftovers of an earlier, half-running start are restarted cleanly
  await stopBroker({ layout, log });

  const java = await findJava(options.env);
  const jars = await resolveJars(layout, { env: options.env, log });
  await ensureFree([...nameServerPorts(ports), ...brokerPorts(ports)]);

  for (const dir of [layout.conf, layout.store, layout.logs, layout.run]) {
    await Deno.mkdir(dir, { recursive: true });
  }
  const namesrvConf = join(layout.conf, "namesrv.properties");
  const brokerConf = join(layout.conf, "broker.conf");
  const proxyJson = join(layout.conf, "proxy.json");
  await Deno.writeTextFile(
    namesrvConf,
    renderNamesrvProperties(ports, { dataDir: join(layout.store, "namesrv") }),
  );
  await Deno.writeTextFile(brokerConf, renderBrokerConf(ports, { storeDir: layout.store }));
  await Deno.writeTextFile(proxyJson, renderProxyJson(ports));

  const started: Started[] = [];
  const startedAt = Date.now();
  const deadline = startedAt + timeoutMs;
  try {
    log(`starting NameServer on ${nameServerText}`);
    const namesrv = spawnDetached("namesrv", java, jars, layout, ["-c", namesrvConf]);
    started.push(namesrv);
    await Deno.writeTextFile(pidFile(layout, "namesrv"), `${namesrv.pid}\n`);
    await waitForListen(namesrv, ports.nameServer, deadline, options.signal);
    log(`NameServer up after ${seconds(startedAt)}`);

    log(`starting broker with proxy (gRPC 127.0.0.1:${ports.grpc}, broker ${ports.broker})`);
    const broker = spawnDetached("broker", java, jars, layout, [
      "-pm",
      "local",
      "-n",
      nameServerText,
      "-bc",
      brokerConf,
      "-pc",
      proxyJson,
    ]);
    started.push(broker);
    await Deno.writeTextFile(pidFile(layout, "broker"), `${broker.pid}\n`);
    await waitForListen(broker, ports.broker, deadline, options.signal);
    await waitForListen(broker, ports.grpc, deadline, options.signal);
    log(`broker and proxy listening after ${seconds(startedAt)}; provisioning`);

    await provision(plan, {
      retryPolicy: options.retryPolicy,
      layout,
      java,
      jars,
      env: options.env,
      log,
      signal: options.signal,
      timeoutMs: Math.max(deadline - Date.now(), 1000),
    });
    log(`provisioned after ${seconds(startedAt)}; sending a probe message`);
    await waitForSend(`127.0.0.1:${ports.grpc}`, broker, deadline, options.signal);
    log(
      `broker ready after ${seconds(startedAt)} (pids ${
        started.map((s) => s.pid).join(", ")
      }; data and logs in ${shown(layout.base)})`,
    );
    return { started: true, pids: started.map((s) => s.pid) };
  } catch (error) {
    for (const process of [...started].reverse()) {
      await terminate(process.pid, layout, 3000);
      await Deno.remove(pidFile(layout, process.role)).catch(() => {});
    }
    throw explainStartFailure(error, layout, timeoutMs, options.signal);
  }
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

async function waitForSend(
  endpoints: string,
  broker: Started,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  let exit: Deno.CommandStatus | undefined;
  broker.status.then((status) => exit = status);
  while (true) {
    try {
      await sendProbe(endpoints, HEALTH_TOPIC);
      return;
    } catch {
      if (exit) throw new ExitedEarly("broker", exit.code);
      if (Date.now() >= deadline) throw new TimedOut();
      await delay(1000, signal);
    }
  }
}

function explainStartFailure(
  error: unknown,
  layout: LocalLayout,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): unknown {
  if (signal?.aborted) {
    return new BrokerError("start was interrupted: the processes it had started were stopped");
  }
  if (error instanceof ExitedEarly) {
    return new BrokerError(
      `the ${
        error.role === "namesrv" ? "NameServer" : "broker"
      } exited during startup with code ${error.code}: see ${
        shown(outFile(layout, error.role))
      } and ${shown(join(layout.logs, "rocketmqlogs"))}`,
    );
  }
  if (error instanceof TimedOut) {
    return new BrokerError(
      `the broker did not accept a message within ${Math.round(timeoutMs / 1000)} s: see ${
        shown(join(layout.logs, "rocketmqlogs", "proxy.log"))
      }, or retry with a longer --timeout`,
    );
  }
  return error;
}
