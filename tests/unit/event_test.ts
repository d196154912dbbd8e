import assert from "node:assert/strict";
import {
  createEnvelope,
  decodeEnvelope,
  encodeEnvelope,
  uuidV7,
  validateEventInput,
} from "../../shared/event.ts";

Deno.test("the seed's event validates", () => {
  const result = validateEventInput({
    type: "registration",
    data: { user_id: "12345", email: "test@example.com" },
  });
  assert.ok(result.ok);
  assert.equal(result.value.type, "registration");
  assert.equal(result.value.id, undefined);
});

Deno.test("each malformed event names its field and reason", () => {
  const cases: [unknown, string, RegExp][] = [
    [null, "", /must be an object, got null/],
    [[], "", /must be an object, got array/],
    [{ data: {} }, "type", /is required/],
    [{ type: "", data: {} }, "type", /at least 1 characters/],
    [{ type: "a b", data: {} }, "type", /only letters, digits/],
    [{ type: "a||b", data: {} }, "type", /only letters, digits/],
    [{ type: "x".repeat(129), data: {} }, "type", /at most 128 characters/],
    [{ type: 5, data: {} }, "type", /must be a string, got number/],
    [{ type: "t" }, "data", /is required/],
    [{ type: "t", data: [1] }, "data", /must be an object, got array/],
    [{ type: "t", data: "x" }, "data", /must be an object, got string/],
    [{ type: "t", data: null }, "data", /must be an object, got null/],
    [{ type: "t", data: {}, id: "has space" }, "id", /only letters, digits/],
    [{ type: "t", data: {}, id: 7 }, "id", /must be a string, got number/],
    [{ type: "t", data: {}, id: "i".repeat(129) }, "id", /at most 128 characters/],
    [{ type: "t", data: {}, extra: 1 }, "", /unknown key "extra"/],
  ];
  for (const [body, field, pattern] of cases) {
    const result = validateEventInput(body);
    assert.ok(!result.ok, JSON.stringify(body));
    const problem = result.problems.find((p) => p.field === field);
    assert.ok(problem, `${JSON.stringify(body)}: ${JSON.stringify(result.problems)}`);
    assert.match(problem.message, pattern);
  }
});

Deno.test("an envelope keeps the client's id and round-trips through the queue body", () => {
  const now = new Date("2026-12-03T10:00:00.000Z");
  const envelope = createEnvelope({ type: "t", data: { a: [1, { b: null }] }, id: "order-1" }, {
    now,
  });
  assert.deepEqual(envelope, {
    id: "order-1",
    type: "t",
    data: { a: [1, { b: null }] },
    received_at: "2026-12-03T10:00:00.000Z",
  });
  const decoded = decodeEnvelope(encodeEnvelope(envelope));
  assert.ok(decoded.ok);
  assert.deepEqual(decoded.value, envelope);
});

Deno.test("a generated id is a time-ordered UUID v7", () => {
  const a = createEnvelope({ type: "t", data: {} }, { now: new Date(1_700_000_000_000) }).id;
  const b = uuidV7(new Date(1_700_000_000_001));
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok(a < b);
  assert.equal(parseInt(a.replaceAll("-", "").slice(0, 12), 16), 1_700_000_000_000);
});

Deno.test("undecodable queue bodies are reported, not thrown", () => {
  const notJson = decodeEnvelope("{oops");
  assert.ok(!notJson.ok);
  assert.match(notJson.problems[0].message, /^body is not JSON/);
  const missing = decodeEnvelope(JSON.stringify({ id: "x", type: "t", data: {} }));
  assert.ok(!missing.ok);
  assert.deepEqual(missing.problems.map((p) => p.field), ["received_at"]);
  const badTime = decodeEnvelope(
    JSON.stringify({ id: "x", type: "t", data: {}, received_at: "yesterday" }),
  );
  assert.ok(!badTime.ok);
  assert.equal(badTime.problems[0].field, "received_at");
});

Deno.test("deeply nested data and __proto__ keys are refused with their path", () => {
  let deep: unknown = {};
  for (let i = 0; i < 5000; i++) deep = { d: deep };
  const tooDeep = validateEventInput({ type: "t", data: deep });
  assert.ok(!tooDeep.ok);
  assert.match(tooDeep.problems[0].message, /^nests deeper than 64 levels$/);
  assert.match(tooDeep.problems[0].field, /^data(\.d)+$/);
  const proto = validateEventInput(
    JSON.parse('{"type": "t", "data": {"a": {"__proto__": {"x": 1}}}}'),
  );
  assert.ok(!proto.ok);
  assert.deepEqual(proto.problems, [{
    field: "data.a.__proto__",
    message: 'the key "__proto__" is not allowed',
  }]);
});
