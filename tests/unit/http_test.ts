import assert from "node:assert/strict";
import { jsonResponse, listenFailureMessage } from "../../shared/http.ts";

Deno.test("a taken port names the variable that moves it; other failures say where", () => {
  const where = { host: "0.0.0.0", port: 9090, portVariable: "METRICS_PORT" };
  assert.equal(
    listenFailureMessage(new Deno.errors.AddrInUse("Address already in use"), where),
    "port 9090 is already in use; set METRICS_PORT to a free port",
  );
  assert.equal(
    listenFailureMessage(new Deno.errors.PermissionDenied("not allowed"), where),
    "cannot listen on 0.0.0.0:9090: not allowed",
  );
});

Deno.test("JSON answers carry the status, the body and extra headers", async () => {
  const response = jsonResponse(503, { error: "x", details: [] }, { "retry-after": "5" });
  assert.equal(response.status, 503);
  assert.equal(response.headers.get("content-type"), "application/json");
  assert.equal(response.headers.get("retry-after"), "5");
  assert.deepEqual(await response.json(), { error: "x", details: [] });
});
