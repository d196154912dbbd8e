import assert from "node:assert/strict";
import {
  type JsonValue,
  parseStringTemplate,
  parseValueTemplate,
  RenderError,
  renderString,
  renderValue,
  TemplateSyntaxError,
} from "../../shared/template.ts";

const root: JsonValue = {
  event: {
    user_id: "12345",
    age: 42,
    vip: true,
    nothing: null,
    profile: { city: "Oslo", tags: ["a", "b"] },
    items: [{ sku: "x1" }, { sku: "x2" }],
    "odd key": "spaced",
    "it's": "quoted",
  },
  id: "evt-1",
  type: "registration",
  received_at: "2026-12-03T10:00:00.000Z",
};

function render(template: JsonValue): JsonValue {
  return renderValue(parseValueTemplate(template), root);
}

Deno.test("a whole-string placeholder keeps the value's JSON type", () => {
  assert.equal(render("{$.event.user_id}"), "12345");
  assert.equal(render("{$.event.age}"), 42);
  assert.equal(render("{$.event.vip}"), true);
  assert.equal(render("{$.event.nothing}"), null);
  assert.deepEqual(render("{$.event.profile}"), { city: "Oslo", tags: ["a", "b"] });
  assert.deepEqual(render("{$.event.profile.tags}"), ["a", "b"]);
});

Deno.test("placeholders inside longer text interpolate as text, objects as JSON", () => {
  assert.equal(render("user {$.event.user_id} is {$.event.age}"), "user 12345 is 42");
  assert.equal(render("vip={$.event.vip} n={$.event.nothing}"), "vip=true n=null");
  assert.equal(render("p={$.event.profile}"), 'p={"city":"Oslo","tags":["a","b"]}');
});

Deno.test("templates work at any depth of the body, keys stay literal", () => {
  const body = {
    "{$.event.user_id}": "key is literal",
    nested: { list: ["{$.event.age}", { deep: "id-{$.id}" }], n: 7, f: false, z: null },
  };
  assert.deepEqual(render(body), {
    "{$.event.user_id}": "key is literal",
    nested: { list: [42, { deep: "id-evt-1" }], n: 7, f: false, z: null },
  });
});

Deno.test("envelope fields sit beside $.event", () => {
  assert.equal(
    render("{$.id}/{$.type}/{$.received_at}"),
    "evt-1/registration/2026-12-03T10:00:00.000Z",
  );
});

Deno.test("bracket notation: quoted names and indexes", () => {
  assert.equal(render("{$.event['odd key']}"), "spaced");
  assert.equal(render('{$["event"]["odd key"]}'), "spaced");
  assert.equal(render("{$.event.items[1].sku}"), "x2");
  assert.equal(render("{$.event.profile.tags[0]}"), "a");
  assert.equal(render("{$.event['it\\'s']}"), "quoted");
});

Deno.test("a definite path that matches nothing is a render error naming the placeholder", () => {
  for (const path of ["{$.event.missing}", "{$.event.items[5]}", "{$.event.user_id.deeper}"]) {
    assert.throws(() => render(path), (e: unknown) => {
      assert.ok(e instanceof RenderError);
      assert.equal(e.message, `no value at ${path}`);
      return true;
    });
  }
  assert.throws(() => render("text {$.event.missing} text"), RenderError);
});

Deno.test("inherited properties are never selected", () => {
  assert.throws(() => render("{$.event.constructor}"), RenderError);
  assert.throws(() => render("{$.event.__proto__}"), RenderError);
  assert.throws(() => render("{$.event.profile.tags.length}"), RenderError);
});

Deno.test("wildcard and descendant paths always yield an array of every match", () => {
  assert.deepEqual(render("{$.event.items[*].sku}"), ["x1", "x2"]);
  assert.deepEqual(render("{$..sku}"), ["x1", "x2"]);
  assert.deepEqual(render("{$.event.profile.tags.*}"), ["a", "b"]);
  assert.deepEqual(render("{$..nope}"), []);
  assert.deepEqual(render("{$.event.items[0].*}"), ["x1"]);
  assert.equal(render("skus: {$..sku}"), 'skus: ["x1","x2"]');
});

Deno.test("{{$ is a literal {$, other braces are literal text", () => {
  assert.equal(render("{{$.event.user_id}"), "{$.event.user_id}");
  assert.equal(render("{{$.event.user_id} = {$.event.user_id}"), "{$.event.user_id} = 12345");
  assert.equal(render('{"json": {x}} {}'), '{"json": {x}} {}');
  assert.equal(render("price in $ {not a placeholder}"), "price in $ {not a placeholder}");
  assert.equal(render(""), "");
});

Deno.test("syntax errors are reported at parse time with the placeholder", () => {
  const cases: [string, RegExp][] = [
    [
      "{$.event.user_id",
      /missing "\}" in placeholder starting "\{\$\.event\.user_id" \(offset 0\)/,
    ],
    [
      "x {$.event.}",
      /expected a name after "\." in placeholder starting "\{\$\.event\.\}" \(offset 2\)/,
    ],
    ["{$.event[}", /expected a quoted name, an index or "\*" after "\["/],
    ["{$.event['a}", /unterminated quoted name/],
    ["{$.event[0}", /expected "\]"/],
    ["{$.event[?(@.x)]}", /filter and script expressions are not supported/],
    ["{$.event[(1+1)]}", /filter and script expressions are not supported/],
    ["{$.event[-1]}", /expected a quoted name, an index or "\*" after "\["/],
    ["{$.event..}", /expected a name after "\.\."|expected a name after "\."/],
    ["{$ .event}", /unexpected " "/],
    ["{$.event.a b}", /unexpected " "/],
    ["{$.event['(1+1)'].*}", /the name "\(1\+1\)" cannot be used in a path with \* or \.\./],
    ["{$..['~']}", /the name "~" cannot be used in a path with \* or \.\./],
    ["{$.event[*]['@string()']}", /the name "@string\(\)" cannot be used/],
  ];
  for (const [source, pattern] of cases) {
    assert.throws(() => parseStringTemplate(source), (e: unknown) => {
      assert.ok(e instanceof TemplateSyntaxError, source);
      assert.match(e.message, pattern, source);
      return true;
    });
  }
});

Deno.test("a syntax error in a value template carries the location of the faulty string", () => {
  assert.throws(() => parseValueTemplate({ a: [1, { b: "{$.x" }] }), (e: unknown) => {
    assert.ok(e instanceof TemplateSyntaxError);
    assert.deepEqual(e.path, ["a", 1, "b"]);
    return true;
  });
});

Deno.test("event data is data: code-like strings and paths are never evaluated", () => {
  const hostile: JsonValue = {
    event: { x: "{$.event.y}", y: "secret", code: "${Deno.exit(1)}", "__proto__": "p" },
  };
  const template = parseValueTemplate({ a: "{$.event.x}", b: "{$.event.code}" });
  assert.deepEqual(renderValue(template, hostile), { a: "{$.event.y}", b: "${Deno.exit(1)}" });
});

Deno.test("renderString applies the encoder to placeholder values only", () => {
  const t = parseStringTemplate(
    "https://v.test/u/{$.event.profile.city}?q={$.event['odd key']}&x=a b",
  );
  assert.equal(
    renderString(t, root, { encode: (s) => `<${s}>` }),
    "https://v.test/u/<Oslo>?q=<spaced>&x=a b",
  );
});
