/**
 * The API against the real local RocketMQ: the seed's curl example, every kind of bad input,
 * idempotent retries and 200 concurrent events.
 */

import assert from "node:assert/strict";
import { decodeEnvelope } from "../../shared/event.ts";
import { provisionedConfig, TopicReader, uniqueSuffix } from "../helpers/broker.ts";
import { parsePrometheus, sampleValue } from "../helpers/prometheus.ts";
import { freePort, startService } from "../helpers/service.ts";

const suffix = uniqueSuffix();
const TOPIC = `it_api_${suffix}`;
const SECOND_TOPIC = `it_api_b_${suffix}`;

const CONFIG = {
  mq: { group_name: `it_api_${suffix}` },
  notifications: [
    {
      event_type: "registration",
      queue_name: TOPIC,
      http_method: "POST",
      http_url: "http://127.0.0.1:9/unused",
      headers: { "Content-Type": "application/json" },
      body: { user_id: "{$.event.user_id}", source: "internal_api" },
    },
    {
      name: "crm",
      event_type: "purchase",
      queue_name: TOPIC,
      http_method: "POST",
      http_url: "http://127.0.0.1:9/unused",
    },
    {
      name: "billing",
      event_type: "purchase",
      queue_name: SECOND_TOPIC,
      http_method: "POST",
      http_url: "http://127.0.0.1:9/unused",
    },
  ],
};

const SEED_EVENT = `{
        "type": "registration",
        "data": {
            "user_id": "12345",
            "email": "test@example.com"
        }
    }`;

const testOptions = { sanitizeOps: false, sanitizeResources: false };

Deno.test("api against a real broker", testOptions, async (t) => {
  const config = await provisionedConfig(CONFIG);
  // groups for reading back what the API published (one per topic)
  await provisionedConfig({
    mq: { group_name: `it_api_reader_${suffix}` },
    notifications: [TOPIC, SECOND_TOPIC].map((queue, i) => ({
      name: `r${i}`,
      event_type: "registration",
      queue_name: queue,
      http_method: "GET",
      http_url: "http://127.0.0.1:9/",
    })),
  });
  const reader = await TopicReader.open(config, TOPIC, `it_api_reader_${suffix}_r0`);
  const secondReader = await TopicReader.open(config, SECOND_TOPIC, `it_api_reader_${suffix}_r1`);
  const port = freePort();
  const api = await startService("api/main.ts", {
    config: CONFIG,
    env: { PORT: String(port), BODY_TIMEOUT_MS: "1000" },
    readyLine: `API Server started on :${port}`,
  });
  const base = `http://127.0.0.1:${port}`;
  function post(body: BodyInit, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${base}/events`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body,
    });
  }
  async function errorOf(response: Response, status: number) {
    const body = await response.json();
    assert.equal(response.status, status, JSON.stringify(body));
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.equal(typeof body.error, "string");
    assert.ok(Array.isArray(body.details));
    return body as { error: string; details: { field: string; message: string }[]; id?: string };
  }

  try {
    await t.step("the seed's curl example: 202, and the envelope is on the topic", async () => {
      const response = await post(SEED_EVENT);
      const body = await response.json();
      assert.equal(response.status, 202, JSON.stringify(body));
      assert.match(body.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
      const [message, ...more] = await reader.take(1);
      assert.equal(more.length, 0);
      assert.ok(message, "no message on the topic");
      assert.equal(message.tag, "registration");
      assert.deepEqual(message.keys, [body.id]);
      const envelope = decodeEnvelope(message.body);
      assert.ok(envelope.ok);
      assert.equal(envelope.value.id, body.id);
      assert.equal(envelope.value.type, "registration");
      assert.deepEqual(envelope.value.data, { user_id: "12345", email: "test@example.com" });
      assert.ok(Math.abs(Date.parse(envelope.value.received_at) - Date.now()) < 60_000);
    });

    await t.step("an event for two topics is published to each, once", async () => {
      const response = await post(JSON.stringify({ type: "purchase", data: { n: 1 } }));
      const { id } = await response.json();
      assert.equal(response.status, 202);
      const [a] = await reader.take(1);
      const [b] = await secondReader.take(1);
      assert.deepEqual([a?.keys, b?.keys], [[id], [id]]);
      assert.equal(a.tag, "purchase");
    });

    await t.step("a retry with the same id is not published again", async () => {
      const event = JSON.stringify({ type: "registration", id: `order-${suffix}`, data: {} });
      const first = await post(event);
      assert.deepEqual([first.status, await first.json()], [202, { id: `order-${suffix}` }]);
      const again = await post(event);
      assert.deepEqual([again.status, await again.json()], [202, {
        id: `order-${suffix}`,
        duplicate: true,
      }]);
      const messages = await reader.take(2, 5000);
      assert.deepEqual(messages.map((m) => m.keys[0]), [`order-${suffix}`]);
    });

    await t.step("400: malformed JSON, with line and column", async () => {
      const body = await errorOf(await post('{"type": "registration",\n "data": {,}}'), 400);
      assert.equal(body.error, "request body is not valid JSON");
      assert.match(body.details[0].message, /^invalid JSON at line 2, column 11: /);
    });

    await t.step("400: schema violations name each field", async () => {
      const body = await errorOf(
        await post(JSON.stringify({ type: "bad type", data: [1], id: "x y", more: 1 })),
        400,
      );
      assert.equal(body.error, "invalid event");
      assert.deepEqual(body.details.map((d) => d.field).sort(), ["", "data", "id", "type"]);
      assert.match(body.details.find((d) => d.field === "data")!.message, /must be an object/);
      const empty = await errorOf(await post(""), 400);
      assert.equal(empty.error, "request body is not valid JSON");
      const notUtf8 = await errorOf(await post(new Uint8Array([0x7b, 0xff, 0x7d])), 400);
      assert.equal(notUtf8.error, "request body is not valid UTF-8");
    });

    await t.step("415: a body that is not declared as JSON", async () => {
      for (const type of ["text/plain", "application/x-www-form-urlencoded", ""]) {
        const response = await fetch(`${base}/events`, {
          method: "POST",
          headers: type ? { "content-type": type } : {},
          body: new TextEncoder().encode(SEED_EVENT),
        });
        const body = await errorOf(response, 415);
        assert.equal(body.details[0].field, "content-type");
      }
      const ok = await post(SEED_EVENT, { "Content-Type": "application/json; charset=utf-8" });
      assert.equal(ok.status, 202);
      await ok.body?.cancel();
      await reader.take(1);
    });

    await t.step("413: a declared length just over the 1 MiB limit", async () => {
      const envelope = JSON.stringify({ type: "registration", data: { p: "" } });
      const padding = "x".repeat(1024 * 1024 - envelope.length + 1);
      const body = JSON.stringify({ type: "registration", data: { p: padding } });
      assert.equal(body.length, 1024 * 1024 + 1);
      const error = await errorOf(await post(body), 413);
      assert.equal(error.error, "request body exceeds 1048576 bytes");
      const under = JSON.stringify({ type: "registration", data: { p: "x".repeat(1024) } });
      const accepted = await post(under);
      assert.equal(accepted.status, 202);
      await accepted.body?.cancel();
      await reader.take(1);
    });

    await t.step("413: a streamed body without a length is cut off at the limit", async () => {
      let sent = 0;
      const chunk = new Uint8Array(64 * 1024).fill(0x20);
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent > 4 * 1024 * 1024) {
            controller.close();
            return;
          }
          sent += chunk.byteLength;
          controller.enqueue(chunk);
        },
      });
      const response = await post(stream).catch((error) => error as Error);
      if (response instanceof Error) {
        assert.fail(`connection failed instead of a 413: ${response.message}`);
      }
      const error = await errorOf(response, 413);
      assert.deepEqual(error.details, [{
        field: "body",
        message: "must be at most 1048576 bytes",
      }]);
    });

    await t.step("408: a slow-drip body is cut off at the deadline", async () => {
      const started = Date.now();
      let timer: ReturnType<typeof setInterval> | undefined;
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"type": "registration", "data": {'));
          timer = setInterval(() => {
            try {
              controller.enqueue(new TextEncoder().encode(" "));
            } catch {
              clearInterval(timer);
            }
          }, 200);
        },
        cancel() {
          clearInterval(timer);
        },
      });
      try {
        const body = await errorOf(await post(stream), 408);
        assert.match(body.error, /did not arrive within 1000 ms/);
        assert.ok(Date.now() - started < 5000);
      } finally {
        clearInterval(timer);
      }
    });

    await t.step("408 also for a body of declared length that keeps dripping", async () => {
      // a raw socket: fetch cannot send a Content-Length with a body that never completes
      const connection = await Deno.connect({ hostname: "127.0.0.1", port });
      const encoder = new TextEncoder();
      await connection.write(encoder.encode(
        "POST /events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n" +
          'content-length: 100000\r\n\r\n{"type": "registration", "data": {',
      ));
      let dripping = true;
      const drip = (async () => {
        while (dripping) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          await connection.write(encoder.encode(" ")).catch(() => (dripping = false));
        }
      })();
      const started = Date.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        const buffer = new Uint8Array(4096);
        const n = await Promise.race([
          connection.read(buffer),
          new Promise<"late">((resolve) => timer = setTimeout(() => resolve("late"), 5000)),
        ]);
        assert.ok(typeof n === "number", `no answer within 5 s (${n})`);
        const answer = new TextDecoder().decode(buffer.subarray(0, n));
        assert.match(answer, /^HTTP\/1\.1 408 /, answer);
        assert.ok(Date.now() - started < 3000, `408 after ${Date.now() - started} ms`);
      } finally {
        clearTimeout(timer);
        dripping = false;
        await drip;
        connection.close();
      }
    });

    await t.step("422: an event type with no notification configured", async () => {
      const body = await errorOf(await post(JSON.stringify({ type: "unknown", data: {} })), 422);
      assert.equal(body.error, 'no notification is configured for event type "unknown"');
      assert.equal(body.details[0].field, "type");
      assert.match(body.details[0].message, /registration, purchase/);
    });

    await t.step("404 unknown path, 405 wrong method with Allow", async () => {
      const missing = await errorOf(await fetch(`${base}/nope`), 404);
      assert.equal(missing.error, "no such endpoint: /nope");
      const get = await fetch(`${base}/events`);
      assert.equal(get.headers.get("allow"), "POST");
      await errorOf(get, 405);
      const put = await fetch(`${base}/healthz`, { method: "PUT", body: "x" });
      assert.equal(put.headers.get("allow"), "GET, HEAD");
      await errorOf(put, 405);
    });

    await t.step("healthz and readyz", async () => {
      const health = await fetch(`${base}/healthz`);
      assert.deepEqual([health.status, await health.json()], [200, { status: "ok" }]);
      const ready = await fetch(`${base}/readyz`);
      assert.deepEqual([ready.status, await ready.json()], [200, { status: "ready" }]);
    });

    await t.step("metrics parse as Prometheus text and move with traffic", async () => {
      async function scrape() {
        const response = await fetch(`${base}/metrics`);
        assert.equal(response.status, 200);
        assert.match(response.headers.get("content-type")!, /^text\/plain; version=0\.0\.4/);
        return parsePrometheus(await response.text());
      }
      const accepted = { type: "registration" };
      const created = { route: "/events", status: "202" };
      const invalid = { route: "/events", status: "400" };
      const stored = { outcome: "stored" };
      const before = await scrape();
      const posted = await post(SEED_EVENT);
      assert.equal(posted.status, 202);
      await posted.body?.cancel();
      const rejected = await post("{");
      assert.equal(rejected.status, 400);
      await rejected.body?.cancel();
      const after = await scrape();
      const delta = (name: string, labels: Record<string, string>) =>
        (sampleValue(after, name, labels) ?? 0) - (sampleValue(before, name, labels) ?? 0);
      assert.equal(delta("notify_api_events_accepted_total", accepted), 1);
      assert.equal(delta("notify_api_requests_total", created), 1);
      assert.equal(delta("notify_api_requests_total", invalid), 1);
      assert.equal(delta("notify_api_publish_duration_seconds_count", stored), 1);
      assert.equal(
        sampleValue(after, "notify_api_requests_total", { route: "/metrics", status: "200" }),
        1,
        "the first scrape is counted by the second",
      );
      assert.ok(sampleValue(after, "process_resident_memory_bytes")! > 10_000_000);
      await reader.take(1);
    });

    await t.step("200 parallel POSTs: all 202, all on the topic, none twice", async () => {
      const responses = await Promise.all(
        Array.from(
          { length: 200 },
          (_, i) =>
            post(JSON.stringify({ type: "registration", data: { i } })).then(async (r) => ({
              status: r.status,
              body: await r.json(),
            })),
        ),
      );
      assert.deepEqual(responses.filter((r) => r.status !== 202), []);
      const ids = new Set(responses.map((r) => r.body.id as string));
      assert.equal(ids.size, 200);
      const messages = await reader.take(200, 60_000);
      const keys = messages.map((m) => m.keys[0]);
      assert.equal(new Set(keys).size, keys.length, "a message arrived twice");
      assert.deepEqual(new Set(keys), ids);
    });

    await t.step("SIGTERM: exits 0 after finishing", async () => {
      const status = await api.stop("SIGTERM");
      assert.equal(status.code, 0, api.output.join("\n"));
    });
  } finally {
    await api.stop("SIGKILL");
    await reader.close();
    await secondReader.close();
  }
});
