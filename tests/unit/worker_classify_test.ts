import assert from "node:assert/strict";
import { classify, retryAfterMs } from "../../worker/classify.ts";

Deno.test("2xx is delivered; 408, 429, 5xx, timeouts and network errors are retried", () => {
  for (const status of [200, 201, 202, 204, 299]) {
    assert.equal(classify({ kind: "response", status }), "delivered", String(status));
  }
  for (const status of [408, 429, 500, 502, 503, 504, 599]) {
    assert.equal(classify({ kind: "response", status }), "retry", String(status));
  }
  assert.equal(classify({ kind: "timeout", timeoutMs: 10 }), "retry");
  assert.equal(classify({ kind: "network_error", message: "refused" }), "retry");
});

Deno.test("other 4xx and 3xx are permanent", () => {
  for (const status of [100, 301, 302, 304, 400, 401, 403, 404, 405, 409, 410, 413, 422]) {
    assert.equal(classify({ kind: "response", status }), "permanent", String(status));
  }
});

Deno.test("Retry-After as seconds or as an HTTP date", () => {
  const now = Date.parse("2026-12-03T10:00:00Z");
  assert.equal(retryAfterMs("7", now), 7000);
  assert.equal(retryAfterMs(" 0 ", now), 0);
  assert.equal(retryAfterMs("Thu, 03 Dec 2026 10:00:30 GMT", now), 30_000);
  assert.equal(retryAfterMs("Thu, 03 Dec 2026 09:00:00 GMT", now), 0);
  assert.equal(retryAfterMs("-1", now), undefined);
  assert.equal(retryAfterMs("1.5", now), undefined);
  assert.equal(retryAfterMs("soon", now), undefined);
  assert.equal(retryAfterMs(null, now), undefined);
});
