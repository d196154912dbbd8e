import assert from "node:assert/strict";
import type { Envelope } from "../../shared/event.ts";
import {
  parseRequestTemplate,
  renderRequest,
  type RequestSpec,
} from "../../shared/request_template.ts";
import { RenderError, TemplateSyntaxError } from "../../shared/template.ts";

const envelope: Envelope = {
  id: "0193a1b2-0000-7000-8000-000000000001",
  type: "registration",
  data: {
    user_id: "12345",
    email: "test@example.com",
    path: "a/b c?d=e&f",
    count: 3,
    meta: { plan: "pro" },
    evil: "x\r\nX-Injected: yes",
    lf: "a\nb",
    name: "李雷",
    city: "Zürich",
  },
  received_at: "2026-12-03T10:00:00.000Z",
};

function spec(overrides: Partial<RequestSpec> = {}): RequestSpec {
  return {
    http_method: "POST",
    http_url: "https://vendor.test/hook",
    headers: {},
    ...overrides,
  };
}

function render(overrides: Partial<RequestSpec>) {
  return renderRequest(parseRequestTemplate(spec(overrides)), envelope);
}

Deno.test("the seed rule renders exactly the seed's body", () => {
  const request = render({
    http_url: "https://httpbin.org/post",
    headers: { "Content-Type": "application/json" },
    body: { user_id: "{$.event.user_id}", source: "internal_api" },
  });
  assert.equal(request.method, "POST");
  assert.equal(request.url, "https://httpbin.org/post");
  assert.deepEqual(request.headers, { "Content-Type": "application/json" });
  assert.deepEqual(JSON.parse(request.body!), { user_id: "12345", source: "internal_api" });
  assert.equal(request.body, '{"user_id":"12345","source":"internal_api"}');
});

Deno.test("URL placeholder values are percent-encoded, literal text is not", () => {
  const request = render({
    http_url: "https://vendor.test/users/{$.event.path}?email={$.event.email}&n={$.event.count}",
  });
  assert.equal(
    request.url,
    "https://vendor.test/users/a%2Fb%20c%3Fd%3De%26f?email=test%40example.com&n=3",
  );
});

Deno.test("a URL that renders to something other than http(s) is a render error", () => {
  const template = parseRequestTemplate(spec({ http_url: "https://{$.event.user_id}/x" }));
  assert.equal(renderRequest(template, envelope).url, "https://12345/x");
  const bad = parseRequestTemplate(spec({ http_url: "https://vendor.test/{$.event.missing}" }));
  assert.throws(() => renderRequest(bad, envelope), RenderError);
});

Deno.test("header values render as text; non-strings become JSON text", () => {
  const request = render({
    headers: {
      "X-User": "{$.event.user_id}",
      "X-Count": "{$.event.count}",
      "X-Meta": "{$.event.meta}",
      "X-Event-Id": "{$.id}",
    },
  });
  assert.deepEqual(request.headers, {
    "X-User": "12345",
    "X-Count": "3",
    "X-Meta": '{"plan":"pro"}',
    "X-Event-Id": envelope.id,
  });
});

Deno.test("CR or LF from event data in a header value is rejected, never injected", () => {
  for (const path of ["{$.event.evil}", "{$.event.lf}"]) {
    assert.throws(
      () => render({ headers: { "X-Note": `note: ${path}` } }),
      (e: unknown) => {
        assert.ok(e instanceof RenderError);
        assert.match(e.message, /headers\.X-Note: rendered value contains CR, LF or NUL/);
        return true;
      },
    );
  }
});

Deno.test("header values beyond Latin-1 are refused at load and at render", () => {
  assert.throws(
    () => render({ headers: { "X-Name": "{$.event.name}" } }),
    /headers\.X-Name: rendered value has characters beyond Latin-1/,
  );
  assert.throws(
    () => parseRequestTemplate(spec({ headers: { "X-Price": "5 €" } })),
    /must contain only Latin-1 characters, got "5 €"/,
  );
  assert.equal(render({ headers: { "X-City": "{$.event.city}" } }).headers["X-City"], "Zürich");
});

Deno.test("a body without a content type is sent as JSON; no body, no content type", () => {
  assert.equal(render({ body: { a: 1 } }).headers["Content-Type"], "application/json");
  const custom = render({ body: "x", headers: { "content-type": "text/plain" } });
  assert.deepEqual(custom.headers, { "content-type": "text/plain" });
  assert.equal(custom.body, '"x"');
  const none = render({ http_method: "DELETE" });
  assert.equal(none.body, undefined);
  assert.deepEqual(none.headers, {});
});

Deno.test("request templates are checked at parse time, each error naming its field", () => {
  const cases: [Partial<RequestSpec>, (string | number)[], RegExp][] = [
    [{ http_url: "ftp://x" }, ["http_url"], /must be an absolute http\(s\) URL, got "ftp:\/\/x"/],
    [{ http_url: "/relative" }, ["http_url"], /must be an absolute http\(s\) URL/],
    [{ http_url: "{$.event.url}" }, ["http_url"], /must be an absolute http\(s\) URL/],
    [{ http_url: "https://v.test/{$.x" }, ["http_url"], /missing "\}"/],
    [{ headers: { "Bad Name": "x" } }, ["headers", "Bad Name"], /invalid header name "Bad Name"/],
    [{ headers: { "X-A": "a\r\nb" } }, ["headers", "X-A"], /must not contain CR, LF or NUL/],
    [{ headers: { "X-A": "{$.x[" } }, ["headers", "X-A"], /expected a quoted name/],
    [{ body: { a: ["{$.event.x"] } }, ["body", "a", 0], /missing "\}"/],
    [{ http_method: "GET", body: { a: 1 } }, ["body"], /a GET request cannot carry a body/],
  ];
  for (const [overrides, path, pattern] of cases) {
    assert.throws(() => parseRequestTemplate(spec(overrides)), (e: unknown) => {
      assert.ok(e instanceof TemplateSyntaxError, JSON.stringify(overrides));
      assert.deepEqual(e.path, path);
      assert.match(e.message, pattern);
      return true;
    });
  }
});
