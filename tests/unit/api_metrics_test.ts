import assert from "node:assert/strict";
import { createApiMetrics, routeLabel } from "../../api/metrics.ts";
import { validateConfig } from "../../shared/config.ts";
import { parsePrometheus, sampleValue } from "../helpers/prometheus.ts";

const config = validateConfig({
  notifications: ["registration", "purchase", "purchase"].map((event_type, i) => ({
    name: `r${i}`,
    event_type,
    queue_name: `t${i}`,
    http_method: "POST",
    http_url: "http://127.0.0.1:1/post",
  })),
});

Deno.test("the API's series exist at zero before the first request", () => {
  const parsed = parsePrometheus(createApiMetrics(config).registry.render());
  for (const type of ["registration", "purchase"]) {
    assert.equal(sampleValue(parsed, "notify_api_events_accepted_total", { type }), 0, type);
  }
  for (const outcome of ["stored", "failed"]) {
    const name = "notify_api_publish_duration_seconds_count";
    assert.equal(sampleValue(parsed, name, { outcome }), 0, outcome);
  }
  assert.equal(sampleValue(parsed, "notify_api_inflight_request_bytes"), 0);
});

Deno.test("a path that is not a route is counted as other", () => {
  assert.equal(routeLabel("/events"), "/events");
  assert.equal(routeLabel("/events/../etc"), "other");
});
