import assert from "node:assert/strict";
import { ExponentialBackoffRetryPolicy } from "rocketmq-client-nodejs";
import { millisecondRetryPolicy } from "../../shared/mq/clients.ts";

Deno.test("redelivery delays follow the configured backoff in milliseconds", () => {
  // what the client builds from the proxy's settings: seconds, later read as milliseconds
  const fromProxy = new ExponentialBackoffRetryPolicy(17, 1, 600, 2);
  assert.equal(fromProxy.getNextAttemptDelay(1), 1, "the client's own delay is 1 (ms)");
  const policy = millisecondRetryPolicy(fromProxy, {
    initial_ms: 1000,
    max_ms: 5000,
    multiplier: 2,
  });
  assert.equal(policy.getMaxAttempts(), 17);
  assert.deepEqual([1, 2, 3, 4, 5].map((n) => policy.getNextAttemptDelay(n)), [
    1000,
    2000,
    4000,
    5000,
    5000,
  ]);
});
