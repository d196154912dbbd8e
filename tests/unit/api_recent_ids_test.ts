import assert from "node:assert/strict";
import { createHandler, pathOf } from "../../api/app.ts";
import { createApiMetrics } from "../../api/metrics.ts";
import { RecentEvents } from "../../api/recent_events.ts";
import { validateConfig } from "../../shared/config.ts";
import { createLogger } from "../../shared/log.ts";
import type { EventPublisher, PublishResult } from "../../shared/mq/producer.ts";

const config = validateConfig({
  notifications: ["orders_a", "orders_b"].map((queue_name) => ({
    name: queue_name,
    event_type: "order",
    queue_name,
    http_method: "POST",
    http_url: "http://127.0.0.1:1/post",
  })),
});

/** A publisher that fails the topics in `failing` and records every topic it was asked for. */
function scriptedPublisher(failing: Set<string>): { publisher: EventPublisher; asked: string[] } {
  const asked: string[] = [];
  const publisher: EventPublisher = {
    publish(_envelope, topics): Promise<PublishResult[]> {
      asked.push(...topics);
      return Promise.resolve(
        topics.map((topic) =>
          failing.has(topic) ? { topic, ok: false, error: "broker said no" } : { topic, ok: true }
        ),
      );
    },
    healthy: true,
    probe: () => Promise.resolve(true),
    close: () => Promise.resolve(),
  };
  return { publisher, asked };
}

function setUp(failing: Set<string>) {
  const { publisher, asked } = scriptedPublisher(failing);
  const recent = new RecentEvents({ ttlMs: 60_000, maxEntries: 100 });
  const handle = createHandler({
    config,
    publisher,
    recent,
    logger: createLogger("test", { level: "error" }),
    metrics: createApiMetrics(config),
    maxBodyBytes: 10_000,
    bodyTimeoutMs: 5000,
    retryAfterSeconds: 5,
  });
  async function post(event: object): Promise<[number, Record<string, unknown>]> {
    const response = await handle(
      new Request("http://api:8080/events", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(event),
      }),
    );
    return [response.status, await response.json()];
  }
  return { post, recent, asked };
}

Deno.test("a generated id stored on every topic is not remembered", async () => {
  const { post, recent, asked } = setUp(new Set());
  const [status, body] = await post({ type: "order", data: {} });
  assert.equal(status, 202);
  assert.equal(typeof body.id, "string");
  assert.deepEqual(asked.sort(), ["orders_a", "orders_b"]);
  assert.equal(recent.size, 0);
});

Deno.test("a generated id with a failed topic is remembered, and its retry sends only that topic", async () => {
  const failing = new Set(["orders_b"]);
  const { post, recent, asked } = setUp(failing);
  const [status, body] = await post({ type: "order", data: {} });
  assert.equal(status, 503);
  const id = body.id as string;
  assert.deepEqual([...recent.storedTopics(id)], ["orders_a"]);
  failing.clear();
  asked.length = 0;
  assert.deepEqual(await post({ type: "order", id, data: {} }), [202, { id }]);
  assert.deepEqual(asked, ["orders_b"]);
  assert.deepEqual(await post({ type: "order", id, data: {} }), [202, { id, duplicate: true }]);
  assert.deepEqual(asked, ["orders_b"]);
});

Deno.test("a client's id is remembered once stored, so its retry is answered as a duplicate", async () => {
  const { post, asked } = setUp(new Set());
  assert.deepEqual(await post({ type: "order", id: "o-1", data: {} }), [202, { id: "o-1" }]);
  assert.deepEqual(await post({ type: "order", id: "o-1", data: {} }), [202, {
    id: "o-1",
    duplicate: true,
  }]);
  assert.equal(asked.length, 2);
});

Deno.test("pathOf gives the path of absolute URLs without query or fragment", () => {
  assert.equal(pathOf("http://api:8080/events"), "/events");
  assert.equal(pathOf("http://api:8080/events?x=1"), "/events");
  assert.equal(pathOf("https://[::1]:8080/readyz#top"), "/readyz");
  assert.equal(pathOf("http://api:8080"), "/");
  assert.equal(pathOf("http://api:8080?x=/y"), "/");
  assert.equal(pathOf("http://api:8080/a%20b/c"), "/a%20b/c");
});
