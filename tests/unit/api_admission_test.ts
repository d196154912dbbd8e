import assert from "node:assert/strict";
import { createHandler } from "../../api/app.ts";
import { createApiMetrics } from "../../api/metrics.ts";
import { RecentEvents } from "../../api/recent_events.ts";
import { validateConfig } from "../../shared/config.ts";
import { createLogger } from "../../shared/log.ts";
import type { EventPublisher, PublishResult } from "../../shared/mq/producer.ts";
import { parsePrometheus, sampleValue } from "../helpers/prometheus.ts";

const config = validateConfig({
  notifications: [{
    event_type: "registration",
    queue_name: "registration_queue",
    http_method: "POST",
    http_url: "http://127.0.0.1:1/post",
  }],
});

/** A publisher whose publishes wait until the test opens the gate (no broker: admission only). */
function gatedPublisher(): { publisher: EventPublisher; open(): void } {
  const gate = Promise.withResolvers<void>();
  const publisher: EventPublisher = {
    async publish(_envelope, topics): Promise<PublishResult[]> {
      await gate.promise;
      return topics.map((topic) => ({ topic, ok: true }));
    },
    healthy: true,
    probe: () => Promise.resolve(true),
    close: () => Promise.resolve(),
  };
  return { publisher, open: () => gate.resolve() };
}

function post(size: number): Request {
  const data = { pad: "x".repeat(size - 40) };
  const body = JSON.stringify({ type: "registration", data });
  return new Request("http://api/events", {
    method: "POST",
    headers: { "content-type": "application/json", "content-length": String(body.length) },
    body,
  });
}

Deno.test("POSTs beyond the in-flight byte budget get 503 at once, and room frees up after", async () => {
  const { publisher, open } = gatedPublisher();
  const metrics = createApiMetrics(config);
  const handle = createHandler({
    config,
    publisher,
    recent: new RecentEvents({ ttlMs: 60_000, maxEntries: 100 }),
    logger: createLogger("test", { level: "error" }),
    metrics,
    maxBodyBytes: 10_000,
    maxInflightBytes: 1000,
    bodyTimeoutMs: 5000,
    retryAfterSeconds: 5,
  });
  const firstRequest = post(600);
  const smallRequest = post(300);
  const held = Number(firstRequest.headers.get("content-length")) +
    Number(smallRequest.headers.get("content-length"));
  const first = handle(firstRequest);
  const refused = await handle(post(600));
  assert.equal(refused.status, 503);
  assert.equal(refused.headers.get("retry-after"), "5");
  const body = await refused.json();
  assert.equal(body.error, "the API is handling too many request bytes at once; retry shortly");
  assert.match(body.details[0].message, /^\d+ bytes of requests in progress, limit 1000$/);
  const small = handle(smallRequest);
  const during = parsePrometheus(metrics.registry.render());
  assert.equal(sampleValue(during, "notify_api_inflight_request_bytes"), held);
  open();
  assert.equal((await first).status, 202);
  assert.equal((await small).status, 202);
  assert.equal((await handle(post(600))).status, 202);
  const after = parsePrometheus(metrics.registry.render());
  assert.equal(sampleValue(after, "notify_api_inflight_request_bytes"), 0);
  assert.equal(
    sampleValue(after, "notify_api_requests_total", { route: "/events", status: "503" }),
    1,
  );
  assert.equal(
    sampleValue(after, "notify_api_requests_total", { route: "/events", status: "202" }),
    3,
  );
  assert.equal(sampleValue(after, "notify_api_events_accepted_total", { type: "registration" }), 3);
});

Deno.test("a lone request larger than the budget is still admitted", async () => {
  const { publisher, open } = gatedPublisher();
  open();
  const handle = createHandler({
    config,
    publisher,
    recent: new RecentEvents({ ttlMs: 60_000, maxEntries: 100 }),
    logger: createLogger("test", { level: "error" }),
    metrics: createApiMetrics(config),
    maxBodyBytes: 10_000,
    maxInflightBytes: 100,
    bodyTimeoutMs: 5000,
    retryAfterSeconds: 5,
  });
  assert.equal((await handle(post(600))).status, 202);
});
