/**
 * Delivery against a real local HTTP server standing in for the vendor (no broker needed).
 */
import assert from "node:assert/strict";
import { validateConfig } from "../../shared/config.ts";
import type { Envelope } from "../../shared/event.ts";
import { type AttemptReport, deliver } from "../../worker/deliver.ts";

interface Seen {
  method: string;
  path: string;
  headers: Headers;
  body: string;
}

async function withVendor(
  respond: (seen: Seen, index: number) => Response | Promise<Response>,
  test: (url: string, seen: Seen[]) => Promise<void>,
): Promise<void> {
  const seen: Seen[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const entry = {
      method: req.method,
      path: new URL(req.url).pathname + new URL(req.url).search,
      headers: req.headers,
      body: await req.text(),
    };
    seen.push(entry);
    return respond(entry, seen.length - 1);
  });
  try {
    await test(`http://127.0.0.1:${server.addr.port}`, seen);
  } finally {
    await server.shutdown();
  }
}

const envelope: Envelope = {
  id: "evt-1",
  type: "registration",
  data: { user_id: "12345", email: "test@example.com" },
  received_at: "2026-12-03T10:00:00.000Z",
};

function ruleFor(url: string, extra: Record<string, unknown> = {}) {
  return validateConfig({
    notifications: [{
      event_type: "registration",
      queue_name: "q",
      http_method: "POST",
      http_url: url,
      headers: { "Content-Type": "application/json", "X-Event-Id": "{$.id}" },
      body: { user_id: "{$.event.user_id}", source: "internal_api" },
      ...extra,
    }],
  }).notifications[0];
}

Deno.test("the seed rule reaches the vendor with its method, headers and exact body", async () => {
  await withVendor(() => new Response("ok"), async (url, seen) => {
    const attempts: AttemptReport[] = [];
    const report = await deliver(ruleFor(`${url}/post`), envelope, {
      onAttempt: (a) => attempts.push(a),
    });
    assert.deepEqual(report, { verdict: "delivered", reason: "HTTP 200" });
    assert.equal(seen.length, 1);
    assert.equal(seen[0].method, "POST");
    assert.equal(seen[0].path, "/post");
    assert.equal(seen[0].headers.get("content-type"), "application/json");
    assert.equal(seen[0].headers.get("x-event-id"), "evt-1");
    assert.deepEqual(JSON.parse(seen[0].body), { user_id: "12345", source: "internal_api" });
    assert.equal(attempts.length, 1);
    assert.equal(attempts[0].verdict, "delivered");
  });
});

Deno.test("500 is retried later, 400 is permanent, each after one request", async () => {
  for (const [status, verdict] of [[500, "retry"], [400, "permanent"]] as const) {
    await withVendor(() => new Response("no", { status }), async (url, seen) => {
      const report = await deliver(ruleFor(url), envelope);
      assert.deepEqual(report, { verdict, reason: `HTTP ${status}` });
      assert.equal(seen.length, 1);
    });
  }
});

Deno.test("a short Retry-After is waited out once inside the delivery", async () => {
  await withVendor(
    (_, i) =>
      i === 0
        ? new Response("busy", { status: 429, headers: { "retry-after": "1" } })
        : new Response("ok"),
    async (url, seen) => {
      const started = Date.now();
      const report = await deliver(ruleFor(url), envelope);
      assert.equal(report.verdict, "delivered");
      assert.equal(seen.length, 2);
      assert.ok(Date.now() - started >= 900);
    },
  );
});

Deno.test("a long Retry-After is handed back for the broker's redelivery", async () => {
  await withVendor(
    () => new Response("busy", { status: 503, headers: { "retry-after": "120" } }),
    async (url, seen) => {
      const report = await deliver(ruleFor(url), envelope);
      assert.deepEqual(report, { verdict: "retry", reason: "HTTP 503", retryAfterMs: 120_000 });
      assert.equal(seen.length, 1);
    },
  );
});

Deno.test("a vendor slower than timeout_ms is a retryable timeout", async () => {
  await withVendor(
    async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      return new Response("late");
    },
    async (url) => {
      const report = await deliver(ruleFor(url, { timeout_ms: 100 }), envelope);
      assert.deepEqual(report, { verdict: "retry", reason: "timeout after 100 ms" });
    },
  );
});

Deno.test("connection refused is retried once locally, then left to the broker", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const attempts: AttemptReport[] = [];
  const report = await deliver(ruleFor(`http://127.0.0.1:${port}/x`), envelope, {
    onAttempt: (a) => attempts.push(a),
    networkRetryDelayMs: 10,
  });
  assert.equal(report.verdict, "retry");
  assert.match(report.reason, /^network error: /);
  assert.deepEqual(attempts.map((a) => a.localAttempt), [1, 2]);
});

Deno.test("a request that cannot be rendered is permanent and sends nothing", async () => {
  await withVendor(() => new Response("ok"), async (url, seen) => {
    const rule = ruleFor(url, { body: { missing: "{$.event.nope}" } });
    const report = await deliver(rule, envelope);
    assert.deepEqual(report, {
      verdict: "permanent",
      reason: "cannot render the request: no value at {$.event.nope}",
    });
    assert.equal(seen.length, 0);
  });
});

Deno.test("redirects are not followed", async () => {
  await withVendor(
    () => new Response(null, { status: 307, headers: { location: "http://127.0.0.1:9/" } }),
    async (url, seen) => {
      const report = await deliver(ruleFor(url), envelope);
      assert.deepEqual(report, { verdict: "permanent", reason: "HTTP 307" });
      assert.equal(seen.length, 1);
    },
  );
});
