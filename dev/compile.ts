/**
 * `deno task compile`: builds `dist/notify-api` and `dist/notify-worker` with `deno compile`,
 * each with its permissions and V8 heap flags baked in and the npm dependencies (the RocketMQ
 * client and its native crc32 addon included) embedded. Both take `--config PATH` like the tasks.
 *
 * `deno compile` needs Deno's runtime base binary ("denort"): it uses `DENORT_BIN` when set and
 * downloads it from Deno's host otherwise. Where neither works, this stops with one sentence.
 *
 * @module
 */

import { v8FlagsArg } from "../shared/v8_flags.ts";

/** One binary to build. */
export interface CompileTarget {
  /** Output file under `dist/`. */
  name: string;
  /** Entry point. */
  entry: string;
  /** Permissions baked into the binary. */
  permissions: string[];
}

/** What each service needs: network (HTTP, RocketMQ), config and environment, the OS facts
 * the RocketMQ client reads, FFI for its native crc32 addon; the worker also a temporary folder
 * (see `shared/mq/clients.ts`). */
export const TARGETS: CompileTarget[] = [
  {
    name: "notify-api",
    entry: "api/main.ts",
    permissions: ["--allow-net", "--allow-read", "--allow-env", "--allow-sys", "--allow-ffi"],
  },
  {
    name: "notify-worker",
    entry: "worker/main.ts",
    permissions: [
      "--allow-net",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-sys",
      "--allow-ffi",
    ],
  },
];

/** The sentence printed when no base binary can be had. */
export const NO_BASE_BINARY = "deno compile needs its runtime base binary (denort), which it " +
  "could neither download from Deno's release host nor find through DENORT_BIN: set DENORT_BIN " +
  `to a denort ${Deno.version.deno} binary for this platform and run deno task compile again`;

/**
 * Tells whether `deno compile` failed for want of its base binary.
 *
 * @param output What `deno compile` printed.
 * @returns True for a failed download of denort or an unusable `DENORT_BIN`.
 */
export function missingBaseBinary(output: string): boolean {
  return /Setting up base binary|denort|dl\.deno\.land/i.test(output);
}

/** What `deno compile` did for one target. */
export interface CompileResult {
  /** True when the binary was written. */
  ok: boolean;
  /** What `deno compile` printed (stdout, then stderr). */
  output: string;
}

/**
 * Builds one binary.
 *
 * @param target What to build.
 * @param root The repository root.
 * @returns The exit code and output of `deno compile`.
 */
export async function compile(
  target: CompileTarget,
  root: string,
): Promise<CompileResult> {
  const result = await new Deno.Command(Deno.execPath(), {
    args: [
      "compile",
      ...target.permissions,
      v8FlagsArg(target.entry),
      "--output",
      `${root}dist/${target.name}`,
      `${root}${target.entry}`,
    ],
    cwd: root,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const decoder = new TextDecoder();
  return {
    ok: result.success,
    output: decoder.decode(result.stdout) + decoder.decode(result.stderr),
  };
}

async function main(): Promise<number> {
  const root = new URL("../", import.meta.url).pathname;
  for (const target of TARGETS) {
    const { ok, output } = await compile(target, root);
    if (!ok) {
      if (missingBaseBinary(output)) {
        console.error(`error: ${NO_BASE_BINARY}`);
      } else {
        console.error(`error: deno compile failed for ${target.entry}:\n${output.trim()}`);
      }
      return 1;
    }
    console.log(`built dist/${target.name}`);
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main());
