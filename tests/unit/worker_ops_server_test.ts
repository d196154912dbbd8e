import assert from "node:assert/strict";
import { validateConfig } from "../../shared/config.ts";
import { createWorkerMetrics } from "../../worker/metrics.ts";
import { handleOpsRequest, type WorkerPhase } from "../../worker/ops_server.ts";
import { parsePrometheus, sampleValue } from "../helpers/prometheus.ts";

const config = validateConfig({
  notifications: [{
    name: "welcome",
    event_type: "registration",
    queue_name: "registration_queue",
    http_method: "POST",
    http_url: "http://127.0.0.1:1/post",
  }],
});

Deno.test("readyz follows the worker's phase; healthz is up throughout", async () => {
  const { registry } = createWorkerMetrics(config);
  let phase: WorkerPhase = "starting";
  const ask = (path: string, method = "GET") =>
    handleOpsRequest(new Request(`http://w${path}`, { method }), { registry, phase: () => phase });
  assert.equal(ask("/healthz").status, 200);
  const starting = ask("/readyz");
  assert.deepEqual([starting.status, await starting.json()], [503, {
    error: "the worker is starting",
    details: [],
  }]);
  phase = "running";
  assert.equal(ask("/readyz").status, 200);
  phase = "stopping";
  assert.equal(ask("/readyz").status, 503);
  assert.equal(ask("/healthz").status, 200);
  assert.equal(ask("/nope").status, 404);
  const wrong = ask("/metrics", "POST");
  assert.deepEqual([wrong.status, wrong.headers.get("allow")], [405, "GET, HEAD"]);
});

Deno.test("metrics start with a zero series for every rule and outcome", async () => {
  const { registry } = createWorkerMetrics(config);
  const response = handleOpsRequest(new Request("http://w/metrics"), {
    registry,
    phase: () => "running",
  });
  assert.match(response.headers.get("content-type")!, /^text\/plain; version=0\.0\.4/);
  const parsed = parsePrometheus(await response.text());
  for (const outcome of ["success", "retry", "dead_lettered", "skipped"]) {
    assert.equal(
      sampleValue(parsed, "notify_worker_deliveries_total", { rule: "welcome", outcome }),
      0,
    );
  }
  assert.equal(sampleValue(parsed, "notify_worker_deliveries_in_flight", { rule: "welcome" }), 0);
  for (const histogram of ["attempt_duration_seconds", "event_age_seconds"]) {
    const name = `notify_worker_${histogram}_count`;
    assert.equal(sampleValue(parsed, name, { rule: "welcome" }), 0, name);
  }
  assert.ok(sampleValue(parsed, "process_resident_memory_bytes")! > 0);
});
