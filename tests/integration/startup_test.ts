/**
 * Services started against a cluster that lacks their topic or consumer group stop with one
 * sentence naming it and the fix, never a bare TOPIC_NOT_FOUND or a stack trace.
 */

import assert from "node:assert/strict";
import { provision } from "../../rocketmq/provision.ts";
import { uniqueSuffix } from "../helpers/broker.ts";
import { runEntry } from "../helpers/service.ts";

const testOptions = { sanitizeOps: false, sanitizeResources: false };

async function configFile(json: unknown): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(path, JSON.stringify(json));
  return path;
}

function configFor(topic: string, group: string) {
  return {
    mq: { group_name: group },
    notifications: [{
      event_type: "registration",
      queue_name: topic,
      http_method: "POST",
      http_url: "http://127.0.0.1:9/",
    }],
  };
}

Deno.test("api: a missing topic stops startup with a sentence naming it", testOptions, async () => {
  const suffix = uniqueSuffix();
  const path = await configFile(configFor(`it_missing_${suffix}`, `it_missing_${suffix}`));
  try {
    const run = await runEntry("api/main.ts", ["--config", path]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(
      run.stderr,
      new RegExp(
        `^error: topic "it_missing_${suffix}" does not exist on the RocketMQ cluster at ` +
          "127\\.0\\.0\\.1:8081; run `deno task broker:provision`",
        "m",
      ),
    );
    assert.doesNotMatch(run.stderr, /^\s+at /m);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("worker: a missing consumer group stops startup naming it", testOptions, async () => {
  const suffix = uniqueSuffix();
  const topic = `it_nogroup_${suffix}`;
  await provision({ nameServer: "127.0.0.1:9876", topics: [topic], groups: [], retryMaxTimes: 1 });
  const path = await configFile(configFor(topic, `it_nogroup_${suffix}`));
  try {
    const run = await runEntry("worker/main.ts", ["--config", path]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(
      run.stderr,
      /^error: (consumer group "it_nogroup_\w+_registration"|one of the consumer groups)/m,
    );
    assert.match(run.stderr, /does not exist on the RocketMQ cluster at 127\.0\.0\.1:8081/);
    assert.doesNotMatch(run.stderr, /^\s+at /m);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("api: a bad config exits 1 before connecting, listing every problem", async () => {
  const path = await configFile({
    notifications: [{
      event_type: "x",
      queue_name: "a b",
      http_method: "GET",
      http_url: "ftp://x",
    }],
  });
  try {
    const run = await runEntry("api/main.ts", ["--config", path]);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr.trim(),
      `error: invalid config ${path}:\n` +
        '  notifications[0].queue_name: must be a RocketMQ topic name: 1 to 127 letters, digits, _ or -, got "a b"',
    );
    const missing = await runEntry("worker/main.ts", ["--config", "/nonexistent.json"]);
    assert.equal(missing.code, 1);
    assert.equal(
      missing.stderr.trim(),
      "error: invalid config /nonexistent.json:\n  file not found (pass --config PATH or set CONFIG_PATH)",
    );
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("an unset ${VARIABLE} in the config stops both services, naming it", async () => {
  const json = configFor("registration_queue", "notification_consumer_group");
  json.notifications[0] = {
    ...json.notifications[0],
    http_url: "https://${NOTIFY_TEST_VENDOR_HOST}/hook",
  };
  const path = await configFile(json);
  try {
    for (const entry of ["api/main.ts", "worker/main.ts"]) {
      const run = await runEntry(entry, ["--config", path]);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.equal(
        run.stderr.trim(),
        `error: invalid config ${path}:\n` +
          "  notifications[0].http_url: environment variable NOTIFY_TEST_VENDOR_HOST is not set",
      );
    }
    const json = await runEntry("worker/main.ts", ["--config", path], {
      env: { LOG_FORMAT: "json" },
    });
    assert.equal(json.code, 1);
    const record = JSON.parse(json.stderr.trim());
    assert.equal(record.level, "error");
    assert.match(record.msg, /environment variable NOTIFY_TEST_VENDOR_HOST is not set/);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("an unknown LOG_LEVEL stops the service, naming the variable", async () => {
  const run = await runEntry("api/main.ts", ["--config", "/nonexistent.json"], {
    env: { LOG_LEVEL: "loud" },
  });
  assert.equal(run.code, 1);
  assert.equal(
    run.stderr.trim(),
    'error: invalid environment: LOG_LEVEL: must be one of debug, info, warn, error, got "loud"',
  );
});
