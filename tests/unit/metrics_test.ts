import assert from "node:assert/strict";
import { DURATION_BUCKETS, Registry } from "../../shared/metrics.ts";
import { parsePrometheus, sampleValue } from "../helpers/prometheus.ts";

Deno.test("counters, gauges and histograms render as parseable exposition text", () => {
  const registry = new Registry();
  const requests = registry.counter("t_requests_total", {
    help: "Requests.",
    labelNames: ["route", "status"],
  });
  const inFlight = registry.gauge("t_in_flight", { help: "In flight.", labelNames: ["rule"] });
  const latency = registry.histogram("t_latency_seconds", {
    help: "Latency.",
    labelNames: ["rule"],
    buckets: [0.1, 1],
  });
  registry.gauge("t_collected", { help: "Read at scrape time.", collect: () => 7 });
  requests.inc({ route: "/events", status: "202" });
  requests.inc({ route: "/events", status: "202" });
  requests.inc({ route: "/events", status: "400" }, 3);
  inFlight.inc({ rule: "a" });
  inFlight.inc({ rule: "a" });
  inFlight.dec({ rule: "a" });
  latency.observe({ rule: "a" }, 0.05);
  latency.observe({ rule: "a" }, 0.5);
  latency.observe({ rule: "a" }, 5);
  const parsed = parsePrometheus(registry.render());
  assert.equal(parsed.types.get("t_requests_total"), "counter");
  assert.equal(parsed.types.get("t_latency_seconds"), "histogram");
  assert.equal(sampleValue(parsed, "t_requests_total", { route: "/events", status: "202" }), 2);
  assert.equal(sampleValue(parsed, "t_requests_total", { route: "/events", status: "400" }), 3);
  assert.equal(sampleValue(parsed, "t_in_flight", { rule: "a" }), 1);
  assert.equal(sampleValue(parsed, "t_latency_seconds_bucket", { rule: "a", le: "0.1" }), 1);
  assert.equal(sampleValue(parsed, "t_latency_seconds_bucket", { rule: "a", le: "1" }), 2);
  assert.equal(sampleValue(parsed, "t_latency_seconds_bucket", { rule: "a", le: "+Inf" }), 3);
  assert.equal(sampleValue(parsed, "t_latency_seconds_count", { rule: "a" }), 3);
  assert.equal(sampleValue(parsed, "t_latency_seconds_sum", { rule: "a" }), 5.55);
  assert.equal(sampleValue(parsed, "t_collected"), 7);
});

Deno.test("label values are escaped so that quotes, backslashes and newlines survive", () => {
  const registry = new Registry();
  const counter = registry.counter("t_total", { help: "Odd labels.", labelNames: ["v"] });
  const odd = 'a "quoted" \\ back\nslash';
  counter.inc({ v: odd });
  const parsed = parsePrometheus(registry.render());
  assert.equal(sampleValue(parsed, "t_total", { v: odd }), 1);
});

Deno.test("a declared series shows with 0 before its first event", () => {
  const registry = new Registry();
  registry.counter("t_total", { help: "x", labelNames: ["outcome"] }).touch({ outcome: "retry" });
  registry.histogram("h_seconds", { help: "x", labelNames: ["rule"], buckets: [1] }).touch({
    rule: "a",
  });
  const parsed = parsePrometheus(registry.render());
  assert.equal(sampleValue(parsed, "t_total", { outcome: "retry" }), 0);
  assert.equal(sampleValue(parsed, "h_seconds_count", { rule: "a" }), 0);
  assert.equal(sampleValue(parsed, "h_seconds_bucket", { rule: "a", le: "+Inf" }), 0);
});

Deno.test("misuse fails loudly with the metric's name", () => {
  const registry = new Registry();
  const counter = registry.counter("t_total", { help: "x", labelNames: ["a"] });
  assert.throws(() => counter.inc({ b: "1" }), {
    message: "metric t_total takes labels [a], got [b]",
  });
  // a wrong name must not land in an existing series whose value reads the same
  counter.inc({ a: "undefined" });
  assert.throws(() => counter.inc({ b: "1" }), {
    message: "metric t_total takes labels [a], got [b]",
  });
  assert.throws(() => counter.inc({ a: "1" }, -1), {
    message: "counter t_total cannot grow by -1",
  });
  assert.throws(() => registry.counter("t_total", { help: "again" }), {
    message: "metric t_total exists already",
  });
  assert.throws(() => registry.gauge("bad name", { help: "x" }), {
    message: 'invalid metric name "bad name"',
  });
  assert.throws(() => registry.histogram("h", { help: "x", labelNames: ["le"], buckets: [1] }), {
    message: 'invalid label name "le" of metric h',
  });
  assert.throws(() => registry.histogram("h2", { help: "x", buckets: [1, 1] }), {
    message: "histogram h2 needs ascending buckets",
  });
  assert.ok(DURATION_BUCKETS.length > 5);
});

Deno.test("the test parser rejects what a scraper would", () => {
  assert.throws(() => parsePrometheus("x_total 1\n"), {
    message: "sample before its TYPE: x_total 1",
  });
  assert.throws(() => parsePrometheus("# TYPE x counter\nx{a=1} 1\n"), /bad labels/);
  assert.throws(() => parsePrometheus("# TYPE x counter\nx one\n"), /bad value/);
  assert.throws(() => parsePrometheus("# TYPE x counter\n# TYPE x counter\n"), /second TYPE/);
});
