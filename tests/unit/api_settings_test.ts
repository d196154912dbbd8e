import assert from "node:assert/strict";
import { apiSettingsFrom } from "../../api/settings.ts";
import { envOf } from "../helpers/env.ts";

Deno.test("the in-flight byte budget defaults to 64 MiB and must hold one largest body", () => {
  assert.equal(apiSettingsFrom(envOf({})).maxInflightBytes, 64 * 1024 * 1024);
  assert.throws(
    () => apiSettingsFrom(envOf({ MAX_BODY_BYTES: "2000", MAX_INFLIGHT_BYTES: "1000" })),
    {
      message:
        "invalid environment: MAX_INFLIGHT_BYTES: must be at least MAX_BODY_BYTES (2000), got 1000",
    },
  );
  assert.throws(() => apiSettingsFrom(envOf({ MAX_INFLIGHT_BYTES: String(2 ** 30) })), {
    message: /^invalid environment: MAX_INFLIGHT_BYTES: must be an integer from 1 to 268435456/,
  });
});
