/**
 * `deno run -A bench/profile.ts FILE.cpuprofile [--top N]`: where a V8 CPU profile (from
 * `deno run --cpu-prof`, e.g. `deno task bench --profile DIR`) spent its time: self time by
 * function and by package, so that a missed target points at its cause.
 *
 * @module
 */

import { parseArgs } from "node:util";

/** One node of a V8 `.cpuprofile`. */
export interface ProfileNode {
  /** Node id. */
  id: number;
  /** The function. */
  callFrame: { functionName: string; url: string; lineNumber: number };
  /** Child node ids. */
  children?: number[];
}

/** A V8 `.cpuprofile` document. */
export interface CpuProfile {
  /** The call tree. */
  nodes: ProfileNode[];
  /** Sampled node ids, in order. */
  samples: number[];
  /** Microseconds between consecutive samples. */
  timeDeltas: number[];
}

/** Time attributed to one name. */
export interface ProfileShare {
  /** Function (`name url:line`) or package. */
  name: string;
  /** Self time, ms. */
  ms: number;
  /** Share of all sampled time, 0 to 1. */
  share: number;
}

/** What {@linkcode summarizeProfile} found. */
export interface ProfileSummary {
  /** Total sampled time, ms (idle included). */
  totalMs: number;
  /** Self time per function, highest first. */
  functions: ProfileShare[];
  /** Self time per package (`npm:name`, `deno` internals, `ours`, `(idle)`, ...), highest first. */
  packages: ProfileShare[];
}

/**
 * Names the package a script URL belongs to.
 *
 * @param url A call frame's URL.
 * @returns E.g. `npm:@grpc/grpc-js`, `ours`, `deno`, `(native)`.
 */
export function packageOf(url: string): string {
  const npm = /registry\.npmjs\.org\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (npm) return `npm:${npm[1]}`;
  if (url.startsWith("ext:") || url.startsWith("node:")) return "deno runtime";
  if (url.startsWith("file://")) return "ours";
  return "(native)";
}

/**
 * Adds up self time per function and per package.
 *
 * @param profile The parsed profile.
 * @param top How many functions to keep.
 * @returns The summary.
 */
export function summarizeProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
    totalUs += delta;
  });
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    const special = /^\((idle|program|garbage collector)\)$/.test(frame.functionName);
    const name = special
      ? frame.functionName
      : `${frame.functionName || "(anonymous)"} ${frame.url.split("/").slice(-2).join("/")}:${
        frame.lineNumber + 1
      }`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    const pkg = special ? frame.functionName : packageOf(frame.url);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  }
  function ranked(map: Map<string, number>, limit: number): ProfileShare[] {
    return [...map].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([name, us]) => ({
      name,
      ms: us / 1000,
      share: totalUs === 0 ? 0 : us / totalUs,
    }));
  }
  return {
    totalMs: totalUs / 1000,
    functions: ranked(functions, top),
    packages: ranked(packages, Number.POSITIVE_INFINITY),
  };
}

function print(title: string, shares: ProfileShare[]): void {
  console.log(`\n${title}`);
  for (const s of shares) {
    console.log(
      `${(s.share * 100).toFixed(1).padStart(5)}%  ${s.ms.toFixed(0).padStart(7)} ms  ${s.name}`,
    );
  }
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: { top: { type: "string", default: "25" } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) {
    console.error("usage: deno run -A bench/profile.ts FILE.cpuprofile [--top N]");
    Deno.exit(2);
  }
  const profile = JSON.parse(await Deno.readTextFile(positionals[0])) as CpuProfile;
  const summary = summarizeProfile(profile, Number(values.top));
  console.log(`${positionals[0]}: ${(summary.totalMs / 1000).toFixed(1)} s sampled`);
  print("self time by package", summary.packages);
  print("self time by function", summary.functions);
}
