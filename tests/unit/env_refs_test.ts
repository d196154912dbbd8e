import assert from "node:assert/strict";
import { resolveEnvReferences } from "../../shared/env_refs.ts";
import { envOf } from "../helpers/env.ts";

Deno.test("references anywhere in strings are replaced, and the input is left alone", () => {
  const document = {
    mq: { access_key: "${AK}", name_server: ["${HOST}:9876"] },
    notifications: [{ headers: { Authorization: "Bearer ${TOKEN}" }, body: { a: "{$.event.a}" } }],
  };
  const resolved = resolveEnvReferences(document, envOf({ AK: "ak-1", HOST: "h", TOKEN: "t0ken" }));
  assert.deepEqual(resolved.problems, []);
  assert.deepEqual(resolved.value, {
    mq: { access_key: "ak-1", name_server: ["h:9876"] },
    notifications: [{ headers: { Authorization: "Bearer t0ken" }, body: { a: "{$.event.a}" } }],
  });
  assert.deepEqual(resolved.uses.map((u) => [u.path.join("."), u.name, u.value]), [
    ["mq.access_key", "AK", "ak-1"],
    ["mq.name_server.0", "HOST", "h"],
    ["notifications.0.headers.Authorization", "TOKEN", "t0ken"],
  ]);
  assert.equal(document.mq.access_key, "${AK}");
});

Deno.test("$${ writes a literal ${; a lone $ and a $ before a placeholder stay", () => {
  const resolved = resolveEnvReferences(
    { a: "cost $5, $${NOT_A_REF}", b: "USD ${$.event.price}", c: "${}" },
    envOf({}),
  );
  assert.deepEqual(resolved.value, {
    a: "cost $5, ${NOT_A_REF}",
    b: "USD ${$.event.price}",
    c: "${}",
  });
  assert.deepEqual(resolved.problems, []);
});

Deno.test("an unset variable is a problem naming it and the field", () => {
  const resolved = resolveEnvReferences(
    { notifications: [{ headers: { "X-Key": "${VENDOR_KEY}" } }] },
    envOf({}),
  );
  assert.deepEqual(resolved.problems, [{
    field: 'notifications[0].headers["X-Key"]',
    message: "environment variable VENDOR_KEY is not set",
  }]);
});

Deno.test("an empty variable is set, and resolves to the empty string", () => {
  assert.deepEqual(resolveEnvReferences({ a: "x${E}y" }, envOf({ E: "" })).value, { a: "xy" });
});

Deno.test("malformed references are problems that say how to write them", () => {
  const resolved = resolveEnvReferences({ a: "${1X}", b: "${open" }, envOf({}));
  assert.deepEqual(resolved.problems.map((p) => `${p.field}: ${p.message}`), [
    'a: "${1X}" is not an environment reference: names are letters, digits and _, not ' +
    "starting with a digit (write $${ for a literal ${)",
    "b: unterminated environment reference at offset 0: write ${NAME}, or $${ for a literal ${",
  ]);
});
