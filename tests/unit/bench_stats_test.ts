import assert from "node:assert/strict";
import { percentile, spread } from "../../bench/stats.ts";
import { cpuShares, parseProcStat } from "../../bench/cpu_time.ts";
import { packageOf, summarizeProfile } from "../../bench/profile.ts";

Deno.test("percentile uses the nearest rank, whatever the order", () => {
  const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
  assert.equal(percentile(values, 50), 5);
  assert.equal(percentile(values, 90), 9);
  assert.equal(percentile(values, 99), 10);
  assert.equal(percentile(values, 0), 1);
  assert.equal(percentile([42], 99), 42);
  assert.deepEqual(values, [5, 1, 4, 2, 3, 10, 9, 8, 7, 6], "input left unsorted");
});

Deno.test("percentile of nothing is NaN, and an out-of-range p is refused", () => {
  assert.ok(Number.isNaN(percentile([], 50)));
  assert.throws(() => percentile([1], 101), { message: "percentile must be 0 to 100, got 101" });
});

Deno.test("spread gives the median run and the min-max", () => {
  assert.deepEqual(spread([30, 10, 20]), { median: 20, min: 10, max: 30, runs: 3 });
  assert.deepEqual(spread([4, 1, 3, 2]), { median: 2.5, min: 1, max: 4, runs: 4 });
  assert.throws(() => spread([]), { message: "spread needs at least one run" });
});

Deno.test("/proc/stat counters become busy, idle and stolen shares", () => {
  const before = parseProcStat("cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3\n");
  const after = parseProcStat("cpu  160 0 70 900 50 0 10 110 0 0\n");
  assert.deepEqual(before, { busy: 150, idle: 850, steal: 0 });
  const shares = cpuShares(before, after);
  assert.deepEqual(shares, { busy: 90 / 300, idle: 100 / 300, steal: 110 / 300 });
  assert.throws(() => parseProcStat("intr 1 2 3"), {
    message: "/proc/stat has no aggregate cpu line",
  });
});

Deno.test("profile time is attributed to functions and packages", () => {
  const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });
  const summary = summarizeProfile({
    nodes: [
      { id: 1, callFrame: frame("(idle)", "") },
      {
        id: 2,
        callFrame: frame(
          "encode",
          "file:///root/.cache/deno/npm/registry.npmjs.org/@grpc/grpc-js/1.9.0/build/x.js",
        ),
      },
      { id: 3, callFrame: frame("postEvent", "file:///work/api/app.ts") },
    ],
    samples: [1, 2, 2, 3],
    timeDeltas: [1000, 2000, 3000, 4000],
  });
  assert.equal(summary.totalMs, 10);
  assert.deepEqual(summary.packages.map((p) => [p.name, p.ms]), [
    ["npm:@grpc/grpc-js", 5],
    ["ours", 4],
    ["(idle)", 1],
  ]);
  assert.deepEqual(summary.functions[0], { name: "encode build/x.js:10", ms: 5, share: 0.5 });
  assert.equal(packageOf("ext:deno_node/http2.ts"), "deno runtime");
  assert.equal(packageOf(""), "(native)");
});
