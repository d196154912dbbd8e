import assert from "node:assert/strict";
import { workerSettingsFrom } from "../../worker/settings.ts";
import { envOf } from "../helpers/env.ts";

Deno.test("worker settings default to 64 deliveries in flight and 1024 prefetched", () => {
  assert.deepEqual(workerSettingsFrom(envOf({})), {
    concurrency: 64,
    prefetch: 1024,
    shutdownGraceMs: 30_000,
    metricsPort: 9090,
    metricsHost: "0.0.0.0",
  });
});

Deno.test("the prefetch default grows with a concurrency above it", () => {
  assert.equal(workerSettingsFrom(envOf({ WORKER_CONCURRENCY: "1000" })).prefetch, 1024);
  assert.equal(workerSettingsFrom(envOf({ WORKER_CONCURRENCY: "1024" })).prefetch, 1024);
});

Deno.test("a prefetch below the concurrency is refused with both values", () => {
  assert.throws(
    () => workerSettingsFrom(envOf({ WORKER_CONCURRENCY: "64", WORKER_PREFETCH: "16" })),
    {
      message:
        "invalid environment: WORKER_PREFETCH: must be at least WORKER_CONCURRENCY (64), got 16",
    },
  );
});

Deno.test("a prefetch that is not a whole number is refused by name", () => {
  assert.throws(() => workerSettingsFrom(envOf({ WORKER_PREFETCH: "lots" })), {
    message: 'invalid environment: WORKER_PREFETCH: must be an integer from 1 to 65536, got "lots"',
  });
});
