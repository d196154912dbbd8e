import assert from "node:assert/strict";
import {
  type BenchResults,
  checkTargets,
  MARKERS,
  renderResults,
  spliceResults,
} from "../../bench/report.ts";

const MiB = 2 ** 20;

function results(overrides: Partial<BenchResults> = {}): BenchResults {
  const run = (eventsPerSecond: number) => ({ eventsPerSecond, p50Ms: 10, p99Ms: 30, failed: 0 });
  return {
    date: "2026-12-03 18:00 UTC",
    seconds: 600,
    facts: [{ name: "CPU", value: "test (2 cores)" }],
    settings: { runs: 3, ingestionMs: 5000, endToEndMs: 10_000, workerConcurrency: 64 },
    ingestion: [{
      concurrency: 64,
      api: [run(900), run(800), run(1000)],
      ceiling: [run(1000), run(1000), run(1000)],
      apiPeakRss: [150 * MiB, 120 * MiB, 130 * MiB],
    }],
    endToEnd: {
      targetRate: 200,
      runs: [40, 60, 50].map((p99Ms) => ({
        ratePerSecond: 200,
        p50Ms: 20,
        p99Ms,
        postP99Ms: 30,
        apiPeakRss: 100 * MiB,
        workerPeakRss: 120 * MiB,
      })),
    },
    drains: [{
      vendorDelayMs: 100,
      events: 20_000,
      runs: [450, 520, 610].map((eventsPerSecond) => ({
        eventsPerSecond,
        secondsFromStart: 40,
        repeats: 0,
        workerPeakRss: 210 * MiB,
      })),
    }],
    cpu: [{ scenario: "ingestion", busy: 0.7, idle: 0.2, steal: 0.1 }],
    ...overrides,
  };
}

Deno.test("targets are judged on the medians", () => {
  const checks = checkTargets(results());
  assert.deepEqual(checks.map((c) => [c.goal, c.measured, c.met]), [
    ["API at concurrency 64 reaches >= 0.8x the ceiling", "0.90x", true],
    ["end-to-end p99 < 100 ms at 200 events/s", "50.0 ms", true],
    ["drain to a 100 ms vendor at >= 500 events/s", "520 events/s", true],
    ["peak RSS of the api < 200 MiB", "150 MiB", true],
    ["peak RSS of the worker < 200 MiB", "210 MiB", false],
  ]);
});

Deno.test("the rendered tables show medians with their spread and each target's verdict", () => {
  const text = renderResults(results());
  assert.match(text, /\| 64 \| 900 \(800–1000\) \|/);
  assert.match(text, /\| 0\.90x \|/);
  assert.match(text, /\| peak RSS of the worker < 200 MiB \| 210 MiB \| \*\*no\*\* \|/);
  assert.match(text, /\| ingestion \| 70% \| 20% \| 10% \|/);
  assert.match(text, /median of 3 runs after a warm-up/);
});

Deno.test("the generated section replaces only what is between the markers", () => {
  const document =
    `# Results\n\nanalysis before\n\n${MARKERS.begin}\nold\n${MARKERS.end}\n\nanalysis after\n`;
  const updated = spliceResults(document, "new table\n");
  assert.equal(
    updated,
    `# Results\n\nanalysis before\n\n${MARKERS.begin}\nnew table\n${MARKERS.end}\n\nanalysis after\n`,
  );
  assert.equal(spliceResults("", "t\n"), `${MARKERS.begin}\nt\n${MARKERS.end}\n`);
  assert.equal(spliceResults("# R\n", "t\n"), `# R\n\n${MARKERS.begin}\nt\n${MARKERS.end}\n`);
});
