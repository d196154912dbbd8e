import assert from "node:assert/strict";
import {
  isSecretHeader,
  REDACTED,
  redactHeaders,
  redactSecrets,
  redactUrl,
} from "../../shared/redact.ts";

Deno.test("credential headers are redacted, others kept", () => {
  assert.deepEqual(
    redactHeaders({
      Authorization: "Bearer abc",
      "X-Api-Key": "k",
      "X-Vendor-Token": "t",
      "X-Client-Secret": "s",
      Cookie: "a=b",
      "Content-Type": "application/json",
      "X-Request-Id": "r1",
    }),
    {
      Authorization: REDACTED,
      "X-Api-Key": REDACTED,
      "X-Vendor-Token": REDACTED,
      "X-Client-Secret": REDACTED,
      Cookie: REDACTED,
      "Content-Type": "application/json",
      "X-Request-Id": "r1",
    },
  );
  assert.ok(isSecretHeader("proxy-authorization"));
  assert.ok(!isSecretHeader("Accept"));
});

Deno.test("user info and secret-looking query values are redacted from URLs", () => {
  assert.equal(
    redactUrl("https://user:pw@v.test/hook?token=abc&id=7&api_key=k&sig=s"),
    "https://%5Bredacted%5D@v.test/hook?token=%5Bredacted%5D&id=7&api_key=%5Bredacted%5D&sig=%5Bredacted%5D",
  );
  assert.equal(redactUrl("https://v.test/a?b=c"), "https://v.test/a?b=c");
});

Deno.test("secret values are replaced wherever they appear, short ones are left alone", () => {
  assert.equal(
    redactSecrets("token=s3cr3t-value and again s3cr3t-value; key abc", ["s3cr3t-value", "abc"]),
    `token=${REDACTED} and again ${REDACTED}; key abc`,
  );
  assert.equal(redactSecrets("nothing here", []), "nothing here");
});

Deno.test("a secret is found JSON-escaped too, as a JSON log line carries it", () => {
  const secret = 'pa"ss\\word';
  const line = JSON.stringify({ msg: `uses ${secret}` });
  assert.equal(redactSecrets(line, [secret]), JSON.stringify({ msg: `uses ${REDACTED}` }));
});

Deno.test("a secret containing a shorter one is hidden whole, whatever their order", () => {
  const url = "https://hooks.example.com/T0/SECRETPATH";
  for (const secrets of [["hooks.example.com", url], [url, "hooks.example.com"]]) {
    assert.equal(
      redactSecrets(`url=${url} host=hooks.example.com`, secrets),
      `url=${REDACTED} host=${REDACTED}`,
    );
  }
});
