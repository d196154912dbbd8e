import assert from "node:assert/strict";
import {
  ConfigError,
  configPathFrom,
  consumerGroupOf,
  loadConfig,
  parseConfig,
  rulesFor,
  topicsOf,
  validateConfig,
} from "../../shared/config.ts";
import { envOf } from "../helpers/env.ts";

const SEED = {
  mq: {
    name_server: "127.0.0.1:9876",
    access_key: "",
    secret_key: "",
    group_name: "notification_consumer_group",
  },
  notifications: [
    {
      event_type: "registration",
      queue_name: "registration_queue",
      http_method: "POST",
      http_url: "https://httpbin.org/post",
      headers: { "Content-Type": "application/json" },
      body: { user_id: "{$.event.user_id}", source: "internal_api" },
    },
  ],
};

function rule(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...SEED.notifications[0], ...overrides };
}

/** The problem lines a config produces; fails when it is accepted. */
function issuesOf(json: unknown): string[] {
  try {
    validateConfig(json);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.issues;
  }
  assert.fail(`config was accepted: ${JSON.stringify(json)}`);
}

Deno.test("the seed's config.json loads unchanged, with documented defaults", async () => {
  const config = await loadConfig(
    new URL("../fixtures/seed_config.json", import.meta.url).pathname,
  );
  assert.deepEqual(config.mq, {
    name_server: ["127.0.0.1:9876"],
    endpoints: ["127.0.0.1:8081"],
    access_key: "",
    secret_key: "",
    group_name: "notification_consumer_group",
    max_retries: 16,
    retry_backoff: { initial_ms: 1000, max_ms: 600_000, multiplier: 2 },
  });
  const [seed] = config.notifications;
  assert.equal(seed.name, "registration");
  assert.equal(seed.timeout_ms, 10_000);
  assert.equal(seed.http_method, "POST");
  assert.deepEqual(topicsOf(config), ["registration_queue"]);
  assert.equal(consumerGroupOf(config, seed), "notification_consumer_group_registration");
  assert.deepEqual(rulesFor(config, "registration"), [seed]);
  assert.deepEqual(rulesFor(config, "other"), []);
});

Deno.test("the repository's config.json loads", async () => {
  const config = await loadConfig(new URL("../../config.json", import.meta.url).pathname);
  assert.ok(config.notifications.some((r) => r.event_type === "registration"));
});

Deno.test("endpoints accept a string or a list; max_retries and backoff are settable", () => {
  const config = validateConfig({
    ...SEED,
    mq: {
      ...SEED.mq,
      endpoints: "10.0.0.1:8081;10.0.0.2:8081",
      max_retries: 3,
      retry_backoff: { initial_ms: 100, max_ms: 400 },
    },
  });
  assert.deepEqual(config.mq.endpoints, ["10.0.0.1:8081", "10.0.0.2:8081"]);
  assert.equal(config.mq.max_retries, 3);
  assert.deepEqual(config.mq.retry_backoff, { initial_ms: 100, max_ms: 400, multiplier: 2 });
  const listed = validateConfig({ ...SEED, mq: { endpoints: ["h:1", "[::1]:8081"] } });
  assert.deepEqual(listed.mq.endpoints, ["h:1", "[::1]:8081"]);
});

Deno.test("missing file: names the path and how to choose another", async () => {
  await assert.rejects(() => loadConfig("/nonexistent/notify.json"), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(
      e.message,
      "invalid config /nonexistent/notify.json:\n  file not found (pass --config PATH or set CONFIG_PATH)",
    );
    return true;
  });
});

Deno.test("invalid JSON: reports line and column", () => {
  const text = '{\n  "mq": {},\n  "notifications": [\n    {"event_type": "a",}\n  ]\n}';
  assert.throws(() => parseConfig(text, { source: "c.json" }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.deepEqual(e.issues, [
      "invalid JSON at line 4, column 24: expected double-quoted property name",
    ]);
    assert.match(e.message, /^invalid config c\.json:/);
    return true;
  });
  assert.throws(() => parseConfig('{"mq": '), /invalid JSON at line 1, column 8/);
  assert.throws(() => parseConfig(""), /invalid JSON at line 1, column 1/);
});

Deno.test("wrong types: each field named with expected and actual type", () => {
  assert.deepEqual(
    issuesOf({
      mq: { ...SEED.mq, max_retries: "3", group_name: 7 },
      notifications: [rule({ headers: { "X-A": 1 }, timeout_ms: 1.5 })],
    }),
    [
      "mq.group_name: must be a string, got number",
      "mq.max_retries: must be a number, got string",
      'notifications[0].headers["X-A"]: must be a string, got number',
      "notifications[0].timeout_ms: must be an integer, got number 1.5",
    ],
  );
  assert.deepEqual(issuesOf([]), ["must be an object, got array"]);
  assert.deepEqual(issuesOf({ mq: SEED.mq }), ["notifications: is required"]);
});

Deno.test("unknown http_method lists the allowed ones", () => {
  assert.deepEqual(issuesOf({ ...SEED, notifications: [rule({ http_method: "FETCH" })] }), [
    'notifications[0].http_method: must be one of GET, POST, PUT, PATCH, DELETE, got "FETCH"',
  ]);
});

Deno.test("invalid URL", () => {
  assert.deepEqual(
    issuesOf({ ...SEED, notifications: [rule(), rule({ name: "b", http_url: "ftp://x" })] }),
    [
      'notifications[1].http_url: must be an absolute http(s) URL, got "ftp://x"',
    ],
  );
  assert.deepEqual(issuesOf({ ...SEED, notifications: [rule({ http_url: "not a url" })] }), [
    'notifications[0].http_url: must be an absolute http(s) URL, got "not a url"',
  ]);
});

Deno.test("empty notifications", () => {
  assert.deepEqual(issuesOf({ ...SEED, notifications: [] }), [
    "notifications: must not be empty",
  ]);
});

Deno.test("duplicate rule names, including two unnamed rules for one event type", () => {
  assert.deepEqual(issuesOf({ ...SEED, notifications: [rule(), rule()] }), [
    'notifications[1].name: duplicate rule name "registration" (also notifications[0]); ' +
    'rules need distinct "name" values, which default to the event_type',
  ]);
  assert.deepEqual(
    issuesOf({
      ...SEED,
      notifications: [rule({ name: "x" }), rule({ name: "y" }), rule({ name: "x" })],
    }),
    [
      'notifications[2].name: duplicate rule name "x" (also notifications[0]); ' +
      'rules need distinct "name" values, which default to the event_type',
    ],
  );
  const ok = validateConfig({
    ...SEED,
    notifications: [rule({ name: "crm" }), rule({ name: "mail" })],
  });
  assert.deepEqual(ok.notifications.map((r) => r.name), ["crm", "mail"]);
  const dotted = validateConfig({ ...SEED, notifications: [rule({ event_type: "user.created" })] });
  assert.equal(dotted.notifications[0].name, "user_created");
});

Deno.test("queue_name that RocketMQ would reject as a topic", () => {
  const problems = (queue: unknown) =>
    issuesOf({ ...SEED, notifications: [rule({ queue_name: queue })] });
  assert.deepEqual(problems("has space"), [
    'notifications[0].queue_name: must be a RocketMQ topic name: 1 to 127 letters, digits, _ or -, got "has space"',
  ]);
  assert.deepEqual(problems("%DLQ%x"), [
    'notifications[0].queue_name: must be a RocketMQ topic name: 1 to 127 letters, digits, _ or -, got "%DLQ%x"',
  ]);
  assert.match(problems("q".repeat(128))[0], /at most 127 characters/);
  assert.match(problems("")[0], /must be a RocketMQ topic name/);
  assert.deepEqual(problems("TBW102"), [
    'notifications[0].queue_name: "TBW102" is reserved by RocketMQ',
  ]);
  assert.deepEqual(problems("rmq_sys_wheel"), [
    'notifications[0].queue_name: "rmq_sys_wheel" is reserved by RocketMQ',
  ]);
});

Deno.test("template syntax errors name the rule and the field", () => {
  assert.deepEqual(
    issuesOf({
      ...SEED,
      notifications: [
        rule({ body: { user: { id: "{$.event.user_id" } } }),
        rule({ name: "b", headers: { "X-Id": "{$.event[?(@.a)]}" } }),
        rule({ name: "c", http_url: "https://v.test/{$.}" }),
      ],
    }),
    [
      'notifications[0].body.user.id: missing "}" in placeholder starting "{$.event.user_id" (offset 0)',
      'notifications[1].headers["X-Id"]: filter and script expressions are not supported in placeholder starting "{$.event[?(@.a)]}" (offset 0)',
      'notifications[2].http_url: expected a name after "." in placeholder starting "{$.}" (offset 15)',
    ],
  );
});

Deno.test("unknown keys are rejected, so typos cannot silently drop settings", () => {
  assert.deepEqual(
    issuesOf({
      ...SEED,
      mq: { ...SEED.mq, nameserver: "x:1" },
      notifications: [rule({ http_ulr: "x" })],
      extra: true,
    }),
    [
      'mq: unknown key "nameserver"',
      'notifications[0]: unknown key "http_ulr"',
      'unknown key "extra"',
    ],
  );
});

Deno.test("bad mq settings", () => {
  assert.deepEqual(
    issuesOf({
      ...SEED,
      mq: {
        name_server: "localhost",
        endpoints: ["ok:1", "nope"],
        access_key: "ak",
        group_name: "bad group",
        max_retries: -1,
        retry_backoff: { initial_ms: 500, max_ms: 100 },
      },
    }),
    [
      'mq.name_server: must be a NameServer address as host:port, got "localhost"',
      'mq.endpoints[1]: must be a proxy gRPC endpoint as host:port, got "nope"',
      'mq.group_name: must be 1 to 120 letters, digits, _ or -, got "bad group"',
      "mq.max_retries: must be at least 0, got number -1",
      "mq.retry_backoff.max_ms: must be at least initial_ms (500), got 100",
    ],
  );
  assert.deepEqual(issuesOf({ ...SEED, mq: { access_key: "ak" } }), [
    "mq.secret_key: access_key and secret_key must be given together",
  ]);
});

Deno.test("every problem is reported at once", () => {
  const issues = issuesOf({
    ...SEED,
    notifications: [rule({ http_method: "get" }), rule({ name: "b", queue_name: "a b" })],
  });
  assert.equal(issues.length, 2);
});

Deno.test("config path: --config, then CONFIG_PATH, then ./config.json", () => {
  const env = (value?: string) => ({ get: () => value });
  assert.equal(configPathFrom(["--config", "a.json"], env("b.json")), "a.json");
  assert.equal(configPathFrom(["--config=c.json"], env("b.json")), "c.json");
  assert.equal(configPathFrom([], env("b.json")), "b.json");
  assert.equal(configPathFrom([], env(undefined)), "./config.json");
  assert.equal(configPathFrom([], env("")), "./config.json");
  assert.throws(() => configPathFrom(["--config"], env()), /--config: needs a path/);
});

Deno.test("invalid JSON without a position from the engine still names the problem", () => {
  assert.throws(() => parseConfig('{"mq": x}'), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.deepEqual(e.issues, ["invalid JSON: unexpected token 'x'"]);
    return true;
  });
  assert.throws(
    () => parseConfig('{\n "mq": {}\n}}'),
    /invalid JSON at line 3, column 2: unexpected non-whitespace character$/m,
  );
});

Deno.test("ports out of range and over-long default rule names are refused", () => {
  assert.deepEqual(issuesOf({ ...SEED, mq: { endpoints: ["h:0", "h:99999"] } }), [
    'mq.endpoints[0]: must be a proxy gRPC endpoint as host:port, got "h:0"',
    'mq.endpoints[1]: must be a proxy gRPC endpoint as host:port, got "h:99999"',
  ]);
  const long = "e".repeat(100);
  assert.deepEqual(issuesOf({ ...SEED, notifications: [rule({ event_type: long })] }), [
    `notifications[0].name: is required: the event_type "${long}" is longer than the 64 ` +
    "characters a default name may have",
  ]);
});

Deno.test("${NAME} references resolve at load, in mq keys, URLs, headers and bodies", () => {
  const config = parseConfig(
    JSON.stringify({
      mq: { ...SEED.mq, access_key: "${RMQ_AK}", secret_key: "${RMQ_SK}" },
      notifications: [rule({
        http_url: "https://${VENDOR_HOST}/hooks",
        headers: { "Content-Type": "application/json", "X-Api-Key": "${VENDOR_KEY}" },
        body: { user_id: "{$.event.user_id}", env: "${DEPLOY_ENV}" },
      })],
    }),
    {
      env: envOf({
        RMQ_AK: "ak-000111",
        RMQ_SK: "sk-000222",
        VENDOR_HOST: "vendor.example",
        VENDOR_KEY: "key-333444",
        DEPLOY_ENV: "staging",
      }),
    },
  );
  assert.equal(config.mq.access_key, "ak-000111");
  assert.equal(config.notifications[0].http_url, "https://vendor.example/hooks");
  assert.equal(config.notifications[0].headers["X-Api-Key"], "key-333444");
  assert.deepEqual(config.notifications[0].body, { user_id: "{$.event.user_id}", env: "staging" });
  assert.deepEqual(config.secrets.toSorted(), [
    "ak-000111",
    "key-333444",
    "sk-000222",
    "staging",
    "vendor.example",
  ]);
});

Deno.test("an unset variable fails the load, naming the variable and the field", () => {
  assert.throws(
    () =>
      parseConfig(
        JSON.stringify({ ...SEED, notifications: [rule({ headers: { A: "${NOPE_TOKEN}" } })] }),
        { source: "c.json", env: envOf({}) },
      ),
    {
      message:
        "invalid config c.json:\n  notifications[0].headers.A: environment variable NOPE_TOKEN " +
        "is not set",
    },
  );
});

Deno.test("credential headers are secrets even when written literally", () => {
  const config = validateConfig({
    ...SEED,
    notifications: [rule({
      headers: { Authorization: "Bearer literal-1234", "X-Trace": "visible" },
    })],
  }, { env: envOf({}) });
  assert.deepEqual(config.secrets, ["Bearer literal-1234"]);
});

Deno.test("a config error never shows a secret that came from the environment", () => {
  const secret = "tok.9876543210";
  assert.throws(
    () =>
      validateConfig({
        mq: { ...SEED.mq, access_key: "${AK}", secret_key: 42 },
        notifications: [rule({ headers: { "X-Token": "${TOKEN}" }, queue_name: "${TOKEN}" })],
      }, { env: envOf({ AK: secret, TOKEN: secret }) }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.message.includes(secret), false, error.message);
      assert.match(
        error.message,
        /notifications\[0\]\.queue_name: must be a RocketMQ topic name: .*, got "\[redacted\]"/,
      );
      return true;
    },
  );
});
