/**
 * Running notify's services as real child processes in tests: a temporary config file, a free
 * port, the startup line awaited, and the output kept for assertions.
 *
 * @module
 */

import { lines } from "../../shared/lines.ts";
import { v8FlagsArg } from "../../shared/v8_flags.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** A running service. */
export interface Service {
  /** The child process. */
  process: Deno.ChildProcess;
  /** Everything it printed so far, stdout and stderr interleaved by line. */
  output: string[];
  /** Sends a signal and waits for the exit status. */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
  /** Resolves with the exit status. */
  status: Promise<Deno.CommandStatus>;
}

/** Options for {@linkcode startService}. */
export interface StartServiceOptions {
  /** The config document, written to a temporary file passed with `--config`. */
  config: unknown;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Output line that means "ready"; resolves `startService` when seen. */
  readyLine: string | RegExp;
  /** How long to wait for it (default 60 s). */
  timeoutMs?: number;
  /** Extra `deno run` flags before the entry point, e.g. `--cpu-prof`. */
  runtimeArgs?: string[];
}

/** Asks the OS for a port nobody listens on. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * Starts `deno run -A <V8 flags> <entry> --config <tmp>` (as `deno task` would) and waits for
 * its ready line.
 *
 * @param entry Entry point relative to the repository, e.g. `api/main.ts`.
 * @param options Config, environment and ready line.
 * @returns The running service.
 */
export async function startService(entry: string, options: StartServiceOptions): Promise<Service> {
  const configPath = await Deno.makeTempFile({ prefix: "notify-test-", suffix: ".json" });
  await Deno.writeTextFile(configPath, JSON.stringify(options.config, null, 2));
  const process = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      v8FlagsArg(entry),
      ...options.runtimeArgs ?? [],
      `${ROOT}${entry}`,
      "--config",
      configPath,
    ],
    cwd: ROOT,
    // a worker's operator port: any free one, unless the test picks it
    env: { NO_COLOR: "1", METRICS_PORT: "0", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output: string[] = [];
  const ready = Promise.withResolvers<void>();
  const matches = (line: string) =>
    typeof options.readyLine === "string"
      ? line.includes(options.readyLine)
      : options.readyLine.test(line);
  async function pump(stream: ReadableStream<Uint8Array>): Promise<void> {
    for await (const line of lines(stream)) {
      output.push(line);
      if (Deno.env.get("TEST_VERBOSE")) console.error(`[${entry}] ${line}`);
      if (matches(line)) ready.resolve();
    }
  }
  const pumps = Promise.all([pump(process.stdout), pump(process.stderr)]);
  const status = process.status.then(async (s) => {
    await pumps;
    await Deno.remove(configPath).catch(() => {});
    return s;
  });
  const timeoutMs = options.timeoutMs ?? 60_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    ready.promise.then(() => "ready" as const),
    status.then(() => "exited" as const),
    new Promise<"timeout">((resolve) => timer = setTimeout(() => resolve("timeout"), timeoutMs)),
  ]);
  clearTimeout(timer);
  if (outcome !== "ready") {
    if (outcome === "timeout") process.kill("SIGKILL");
    await status;
    throw new Error(`${entry} did not start (${outcome}):\n${output.join("\n")}`);
  }
  return {
    process,
    output,
    status,
    async stop(signal: Deno.Signal = "SIGTERM") {
      try {
        process.kill(signal);
      } catch {
        // already exited
      }
      return await status;
    },
  };
}

/** Options for {@linkcode runEntry}. */
export interface RunEntryOptions {
  /** Extra environment variables. */
  env?: Record<string, string>;
}

/** How a process ended. */
export interface RunResult {
  /** Exit code. */
  code: number;
  /** What it printed to stdout. */
  stdout: string;
  /** What it printed to stderr. */
  stderr: string;
}

/**
 * Runs an entry point to completion (for startup failures) and returns its exit code and output.
 *
 * @param entry Entry point relative to the repository.
 * @param args Arguments.
 * @param options Extra environment.
 * @returns Exit code, stdout and stderr.
 */
export async function runEntry(
  entry: string,
  args: string[],
  options: RunEntryOptions = {},
): Promise<RunResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", v8FlagsArg(entry), `${ROOT}${entry}`, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", METRICS_PORT: "0", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}
