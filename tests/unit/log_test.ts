import assert from "node:assert/strict";
import { createLogger, type LogLevel, logSettingsFrom } from "../../shared/log.ts";
import { envOf } from "../helpers/env.ts";

function capture(): { lines: [LogLevel, string][]; write(level: LogLevel, line: string): void } {
  const lines: [LogLevel, string][] = [];
  return { lines, write: (level, line) => lines.push([level, line]) };
}

Deno.test("LOG_LEVEL and LOG_FORMAT default to info and text, any case accepted", () => {
  assert.deepEqual(logSettingsFrom(envOf({})), { level: "info", format: "text" });
  assert.deepEqual(logSettingsFrom(envOf({ LOG_LEVEL: "DEBUG", LOG_FORMAT: "JSON" })), {
    level: "debug",
    format: "json",
  });
});

Deno.test("an unknown LOG_LEVEL or LOG_FORMAT is refused by name", () => {
  assert.throws(() => logSettingsFrom(envOf({ LOG_LEVEL: "verbose" })), {
    message:
      'invalid environment: LOG_LEVEL: must be one of debug, info, warn, error, got "verbose"',
  });
  for (const inherited of ["constructor", "__proto__", "toString"]) {
    assert.throws(() => logSettingsFrom(envOf({ LOG_LEVEL: inherited })), /LOG_LEVEL/, inherited);
  }
  assert.throws(() => logSettingsFrom(envOf({ LOG_FORMAT: "yaml" })), {
    message: 'invalid environment: LOG_FORMAT: must be one of text, json, got "yaml"',
  });
});

Deno.test("JSON format writes one parseable object per line, with the event id", () => {
  const sink = capture();
  const logger = createLogger("worker", { format: "json", level: "info", write: sink.write });
  logger.info("delivered", { event_id: "e-1", rule: "r", attempt: 1, skipped: undefined });
  logger.debug("not written");
  logger.child("rocketmq").warn("careful", { error: new Error("boom") });
  logger.banner("RocketMQ Subscriber (Worker) started.");
  logger.fatal("cannot start");
  const records = sink.lines.map(([, line]) => JSON.parse(line));
  assert.equal(records.length, 4);
  assert.deepEqual(
    records.map((r) => [r.level, r.logger, r.msg]),
    [
      ["info", "worker", "delivered"],
      ["warn", "worker.rocketmq", "careful"],
      ["info", "worker", "RocketMQ Subscriber (Worker) started."],
      ["error", "worker", "cannot start"],
    ],
  );
  assert.equal(records[0].event_id, "e-1");
  assert.equal("skipped" in records[0], false);
  assert.equal(records[1].error, "boom");
  assert.ok(!Number.isNaN(Date.parse(records[0].time)));
});

Deno.test("text format: key=value records, banners as given, fatal as error: lines", () => {
  const sink = capture();
  const logger = createLogger("api", { format: "text", level: "info", write: sink.write });
  logger.info("event accepted", { event_id: "e-1", note: "two words" });
  logger.banner("API Server started on :8080");
  logger.fatal("port 8080 is already in use; set PORT to a free port");
  assert.match(
    sink.lines[0][1],
    /^\d{4}-\d\d-\d\dT[\d:.]+Z INFO {2}\[api\] event accepted event_id=e-1 note="two words"$/,
  );
  assert.deepEqual(sink.lines.slice(1), [
    ["info", "API Server started on :8080"],
    ["error", "error: port 8080 is already in use; set PORT to a free port"],
  ]);
});

Deno.test("the config's secrets never reach a line, in either format", () => {
  for (const format of ["text", "json"] as const) {
    const sink = capture();
    const logger = createLogger("worker", {
      format,
      level: "debug",
      secrets: ["sk-live-123456"],
      write: sink.write,
    });
    logger.error("vendor said no", { error: new Error("bad key sk-live-123456") });
    logger.child("rocketmq").debug("sk-live-123456 in a child");
    logger.fatal("cannot use sk-live-123456");
    const all = sink.lines.map(([, line]) => line).join("\n");
    assert.equal(all.includes("sk-live-123456"), false, all);
    assert.equal(all.split("[redacted]").length - 1, 3, all);
  }
});
