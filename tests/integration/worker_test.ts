/**
 * The worker end to end against the real local RocketMQ and real local HTTP vendors: the seed's
 * example, backoff retries, dead letters, independent targets, a crash, and two workers.
 */

import assert from "node:assert/strict";
import { decodeEnvelope } from "../../shared/event.ts";
import { type Config, deadLetterTopicOf } from "../../shared/config.ts";
import { readTopic } from "../../rocketmq/dead_letters.ts";
import { provisionedConfig, uniqueSuffix } from "../helpers/broker.ts";
import { parsePrometheus, sampleValue } from "../helpers/prometheus.ts";
import { freePort, type Service, startService } from "../helpers/service.ts";
import { settle, startVendor, type Vendor } from "../helpers/vendor.ts";

const testOptions = { sanitizeOps: false, sanitizeResources: false };
const WORKER_READY = "RocketMQ Subscriber (Worker) started.";
const SECRET = "k-secret-123";

/** A config with fast retries, so retry tests take seconds. */
function configFor(suffix: string, vendor: string, rules: Record<string, unknown>[]) {
  return {
    mq: {
      group_name: `it_w_${suffix}`,
      max_retries: 2,
      retry_backoff: { initial_ms: 1000, max_ms: 4000, multiplier: 2 },
    },
    notifications: rules.map((rule) => ({
      queue_name: `it_w_${suffix}`,
      http_method: "POST",
      headers: { "Content-Type": "application/json" },
      ...rule,
      http_url: `${vendor}${rule.http_url}`,
    })),
  };
}

async function startApi(
  config: unknown,
  env: Record<string, string> = {},
): Promise<{ api: Service; url: string }> {
  const port = freePort();
  const api = await startService("api/main.ts", {
    config,
    env: { PORT: String(port), ...env },
    readyLine: `API Server started on :${port}`,
  });
  return { api, url: `http://127.0.0.1:${port}` };
}

async function postEvent(api: string, event: unknown): Promise<string> {
  const response = await fetch(`${api}/events`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: typeof event === "string" ? event : JSON.stringify(event),
  });
  const body = await response.json();
  assert.equal(response.status, 202, JSON.stringify(body));
  return body.id;
}

/** The event ids in a rule's dead-letter topic, read from the broker. */
async function deadLetteredIds(config: Config, rule: string): Promise<string[]> {
  const target = config.notifications.find((r) => r.name === rule)!;
  const messages = await readTopic(
    config.mq.name_server.join(";"),
    deadLetterTopicOf(config, target),
  );
  return messages.map((m) => {
    const envelope = decodeEnvelope(m.body);
    return envelope.ok ? envelope.value.id : `undecodable:${m.body}`;
  });
}

/** Polls {@linkcode deadLetteredIds} until `count` ids are there or `timeoutMs` passed. */
async function awaitDeadLetters(config: Config, rule: string, count: number, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let ids = await deadLetteredIds(config, rule);
  while (ids.length < count && Date.now() < deadline) {
    await settle(1000);
    ids = await deadLetteredIds(config, rule);
  }
  return ids;
}

function requestsTo(vendor: Vendor, path: string) {
  return vendor.requests.filter((r) => r.path === path);
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await settle(100);
  }
}

Deno.test(
  "worker: seed example, retries, dead letters, independent targets",
  testOptions,
  async (t) => {
    const suffix = uniqueSuffix();
    const counts = new Map<string, number>();
    const vendor = startVendor((request) => {
      const n = (counts.get(request.path) ?? 0) + 1;
      counts.set(request.path, n);
      switch (request.path) {
        case "/flaky":
          return new Response(n <= 2 ? "down" : "ok", { status: n <= 2 ? 500 : 200 });
        case "/broken":
        case "/fanout-bad":
          return new Response("down", { status: 503 });
        case "/rejected":
          return new Response("bad request", { status: 400 });
        default:
          return new Response("ok");
      }
    });
    const json = configFor(suffix, vendor.url, [
      {
        event_type: "registration",
        http_url: "/post",
        headers: { "Content-Type": "application/json", "X-Api-Key": SECRET },
        body: { user_id: "{$.event.user_id}", source: "internal_api" },
      },
      { event_type: "flaky", http_url: "/flaky", body: { id: "{$.id}" } },
      { event_type: "broken", http_url: "/broken", body: { id: "{$.id}" } },
      { event_type: "rejected", http_url: "/rejected", body: { id: "{$.id}" } },
      { name: "fanout_ok", event_type: "fanout", http_url: "/fanout-ok", body: { id: "{$.id}" } },
      { name: "fanout_bad", event_type: "fanout", http_url: "/fanout-bad", body: { id: "{$.id}" } },
    ]);
    const config = await provisionedConfig(json);
    const { api, url } = await startApi(json);
    const worker = await startService("worker/main.ts", { config: json, readyLine: WORKER_READY });
    try {
      await t.step("the seed's curl example reaches the vendor exactly as configured", async () => {
        const posted = Date.now();
        const id = await postEvent(
          url,
          `{
        "type": "registration",
        "data": {
            "user_id": "12345",
            "email": "test@example.com"
        }
    }`,
        );
        await until(() => requestsTo(vendor, "/post").length >= 1, 30_000, "the seed delivery");
        const [request] = requestsTo(vendor, "/post");
        assert.equal(request.method, "POST");
        assert.equal(request.headers.get("content-type"), "application/json");
        assert.equal(request.headers.get("x-api-key"), SECRET);
        assert.deepEqual(JSON.parse(request.body), { user_id: "12345", source: "internal_api" });
        console.log(`seed example: POST to vendor receipt ${request.at - posted} ms`);
        await until(
          () => worker.output.some((line) => line.includes("delivered") && line.includes(id)),
          10_000,
          "the delivered log line",
        );
      });

      await t.step("vendor fails twice then succeeds: three attempts with backoff", async () => {
        const id = await postEvent(url, { type: "flaky", data: {} });
        await until(() => requestsTo(vendor, "/flaky").length >= 3, 60_000, "three attempts");
        await settle(3000);
        const attempts = requestsTo(vendor, "/flaky");
        assert.equal(attempts.length, 3);
        assert.ok(attempts.every((r) => JSON.parse(r.body).id === id));
        const gaps = attempts.slice(1).map((r, i) => r.at - attempts[i].at);
        console.log(`retry test: gaps between attempts ${gaps.join(" ms, ")} ms`);
        // backoff 1 s then 2 s (initial_ms 1000, multiplier 2), each a minimum
        assert.ok(gaps[0] >= 900 && gaps[1] >= 1900, `attempts came too early: ${gaps}`);
        const lines = worker.output.filter((l) => l.includes(id) && l.includes(" attempt "));
        assert.deepEqual(
          lines.map((l) => /attempt=(\d+)/.exec(l)?.[1]),
          ["1", "2", "3"],
          lines.join("\n"),
        );
      });

      await t.step("vendor always fails: attempts stop at the limit, then the DLQ", async () => {
        const id = await postEvent(url, { type: "broken", data: {} });
        await until(() => requestsTo(vendor, "/broken").length >= 3, 60_000, "three attempts");
        await settle(8000);
        assert.equal(requestsTo(vendor, "/broken").length, 3, "attempted beyond max_retries");
        assert.deepEqual(await awaitDeadLetters(config, "broken", 1), [id]);
      });

      await t.step("vendor answers 400: one attempt, dead-lettered at once", async () => {
        const id = await postEvent(url, { type: "rejected", data: {} });
        await until(() => requestsTo(vendor, "/rejected").length >= 1, 30_000, "one attempt");
        assert.deepEqual(await awaitDeadLetters(config, "rejected", 1), [id]);
        assert.equal(requestsTo(vendor, "/rejected").length, 1);
      });

      await t.step("two rules, one failing: the healthy vendor gets the event once", async () => {
        const id = await postEvent(url, { type: "fanout", data: {} });
        await until(() => requestsTo(vendor, "/fanout-bad").length >= 3, 60_000, "bad attempts");
        await settle(5000);
        const ok = requestsTo(vendor, "/fanout-ok");
        assert.deepEqual(ok.map((r) => JSON.parse(r.body).id), [id]);
      });

      await t.step("secrets never reach the logs", () => {
        const leaked = [...worker.output, ...api.output].filter((line) => line.includes(SECRET));
        assert.deepEqual(leaked, []);
      });

      await t.step("SIGTERM: the worker exits 0", async () => {
        const status = await worker.stop("SIGTERM");
        assert.equal(status.code, 0, worker.output.slice(-20).join("\n"));
      });
    } finally {
      await worker.stop("SIGKILL");
      await api.stop("SIGKILL");
      await vendor.close();
    }
  },
);

Deno.test("worker: kill -9 with deliveries in flight loses nothing", testOptions, async () => {
  const suffix = uniqueSuffix();
  const vendor = startVendor(async () => {
    await settle(1500);
    return new Response("ok");
  });
  const json = configFor(suffix, vendor.url, [
    { event_type: "slow", http_url: "/slow", body: { id: "{$.id}" } },
  ]);
  await provisionedConfig(json);
  const { api, url } = await startApi(json);
  let worker = await startService("worker/main.ts", { config: json, readyLine: WORKER_READY });
  try {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) ids.add(await postEvent(url, { type: "slow", data: { i } }));
    await vendor.waitFor(3, 30_000);
    worker.process.kill("SIGKILL");
    await worker.status;
    worker = await startService("worker/main.ts", { config: json, readyLine: WORKER_READY });
    const received = () => new Set(vendor.requests.map((r) => JSON.parse(r.body).id as string));
    await until(() => [...ids].every((id) => received().has(id)), 150_000, "every event");
    console.log(`kill -9 test: ${vendor.requests.length} requests for ${ids.size} events`);
  } finally {
    await worker.stop("SIGKILL");
    await api.stop("SIGKILL");
    await vendor.close();
  }
});

Deno.test("worker: two workers share the load and lose nothing", testOptions, async () => {
  const suffix = uniqueSuffix();
  const vendor = startVendor(async () => {
    await settle(50);
    return new Response("ok");
  });
  const json = configFor(suffix, vendor.url, [
    { event_type: "shared", http_url: "/shared", body: { id: "{$.id}" } },
  ]);
  await provisionedConfig(json);
  const { api, url } = await startApi(json);
  const first = await startService("worker/main.ts", { config: json, readyLine: WORKER_READY });
  const second = await startService("worker/main.ts", { config: json, readyLine: WORKER_READY });
  try {
    const ids = new Set<string>();
    for (let i = 0; i < 60; i++) ids.add(await postEvent(url, { type: "shared", data: { i } }));
    const received = () => new Set(vendor.requests.map((r) => JSON.parse(r.body).id as string));
    await until(() => [...ids].every((id) => received().has(id)), 60_000, "every event");
    await settle(2000);
    const delivered = (w: Service) => w.output.filter((l) => l.includes("] delivered")).length;
    console.log(
      `two workers: ${delivered(first)} + ${delivered(second)} deliveries, ` +
        `${vendor.requests.length} requests for ${ids.size} events`,
    );
    assert.ok(delivered(first) > 0 && delivered(second) > 0, "one worker did nothing");
    assert.equal(vendor.requests.length, ids.size, "an event was delivered twice");
  } finally {
    await first.stop("SIGKILL");
    await second.stop("SIGKILL");
    await api.stop("SIGKILL");
    await vendor.close();
  }
});

Deno.test(
  "worker: JSON logs parse, health endpoints answer, metrics move, env secrets stay hidden",
  testOptions,
  async () => {
    const suffix = uniqueSuffix();
    let calls = 0;
    const vendor = startVendor(() => {
      calls++;
      return new Response(calls === 2 ? "down" : "ok", { status: calls === 2 ? 500 : 200 });
    });
    const token = `tok-${suffix}`;
    const json = configFor(suffix, vendor.url, [{
      name: "metered",
      event_type: "metered",
      // the token also rides in the URL, which the worker logs on every attempt
      http_url: "/m?code=${NOTIFY_IT_TOKEN}",
      headers: { "Content-Type": "application/json", Authorization: "Bearer ${NOTIFY_IT_TOKEN}" },
      body: { id: "{$.id}" },
    }]);
    await provisionedConfig(json, { NOTIFY_IT_TOKEN: token });
    const logs = { LOG_FORMAT: "json", NOTIFY_IT_TOKEN: token };
    const { api, url } = await startApi(json, logs);
    const metricsPort = freePort();
    const worker = await startService("worker/main.ts", {
      config: json,
      env: { ...logs, METRICS_PORT: String(metricsPort) },
      readyLine: WORKER_READY,
    });
    const ops = `http://127.0.0.1:${metricsPort}`;
    async function scrape() {
      const response = await fetch(`${ops}/metrics`);
      assert.equal(response.status, 200);
      return parsePrometheus(await response.text());
    }
    try {
      for (const path of ["/healthz", "/readyz"]) {
        const response = await fetch(`${ops}${path}`);
        assert.equal(response.status, 200, `${path}: ${await response.text()}`);
      }
      const first = await postEvent(url, { type: "metered", data: {} });
      await until(() => vendor.requests.length >= 1, 30_000, "the first delivery");
      const second = await postEvent(url, { type: "metered", data: {} });
      await until(() => vendor.requests.length >= 3, 30_000, "a failed and a retried attempt");
      const rule = "metered";
      let parsed = await scrape();
      const outcome = (o: string) =>
        sampleValue(parsed, "notify_worker_deliveries_total", { rule, outcome: o });
      // the vendor's answer reaches the vendor's log before the worker counts it
      for (let tries = 0; outcome("success") !== 2 && tries < 50; tries++) {
        await settle(200);
        parsed = await scrape();
      }
      assert.equal(outcome("success"), 2);
      assert.equal(outcome("retry"), 1);
      assert.equal(outcome("dead_lettered"), 0);
      assert.equal(
        sampleValue(parsed, "notify_worker_attempt_duration_seconds_count", { rule }),
        3,
      );
      assert.equal(sampleValue(parsed, "notify_worker_event_age_seconds_count", { rule }), 2);
      assert.equal(sampleValue(parsed, "notify_worker_deliveries_in_flight", { rule }), 0);

      await worker.stop("SIGTERM");
      await api.stop("SIGTERM");
      for (const [name, service] of [["worker", worker], ["api", api]] as const) {
        const records = service.output.map((line) => {
          try {
            return JSON.parse(line);
          } catch {
            throw new Error(`${name} printed a line that is not JSON: ${line}`);
          }
        });
        assert.ok(records.every((r) => typeof r.time === "string" && typeof r.level === "string"));
        const ready = name === "worker"
          ? (msg: unknown) => msg === WORKER_READY
          : (msg: unknown) => typeof msg === "string" && msg.startsWith("API Server started");
        assert.ok(records.some((r) => ready(r.msg)), `${name} logged no ready record`);
      }
      assert.equal(vendor.requests[0].headers.get("authorization"), `Bearer ${token}`);
      assert.equal(vendor.requests[0].path, `/m?code=${token}`);
      assert.ok(
        worker.output.some((line) =>
          line.includes('"url":"http://127.0.0.1:') && line.includes("[redacted]")
        ),
        "the attempt lines should show the URL with the token redacted",
      );
      const leaked = [...worker.output, ...api.output].filter((line) => line.includes(token));
      assert.deepEqual(leaked, [], "the token from the environment was printed");
      const worked = worker.output.map((line) => JSON.parse(line));
      for (const id of [first, second]) {
        assert.ok(
          worked.some((r) => r.msg === "delivered" && r.event_id === id && r.rule === rule),
          `no delivered record for ${id}`,
        );
      }
    } finally {
      await worker.stop("SIGKILL");
      await api.stop("SIGKILL");
      await vendor.close();
    }
  },
);
