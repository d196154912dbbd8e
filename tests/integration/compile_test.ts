/**
 * The single binaries from `deno task compile`, run against the real broker. `deno compile`
 * needs Deno's runtime base binary; where it cannot be had (no DENORT_BIN, no access to Deno's
 * release host) the test is reported as ignored with that reason, never as passed.
 */

import assert from "node:assert/strict";
import { compile, missingBaseBinary, NO_BASE_BINARY, TARGETS } from "../../dev/compile.ts";
import { lines } from "../../shared/lines.ts";
import { provisionedConfig, uniqueSuffix } from "../helpers/broker.ts";
import { freePort } from "../helpers/service.ts";
import { startVendor } from "../helpers/vendor.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Builds both binaries now; the reason they cannot be built, if so. */
async function buildBinaries(): Promise<string | undefined> {
  for (const target of TARGETS) {
    const { ok, output } = await compile(target, ROOT);
    if (!ok && missingBaseBinary(output)) return NO_BASE_BINARY;
    if (!ok) throw new Error(`deno compile failed for ${target.entry}:\n${output}`);
  }
  return undefined;
}

const unavailable = await buildBinaries();

/** Starts a binary and resolves once it printed `ready`. */
async function runBinary(name: string, args: string[], env: Record<string, string>, ready: string) {
  const process = new Deno.Command(`${ROOT}dist/${name}`, {
    args,
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const seen = Promise.withResolvers<void>();
  const output: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    (async () => {
      for await (const line of lines(stream)) {
        output.push(line);
        if (line.includes(ready)) seen.resolve();
      }
    })();
  }
  const timer = setTimeout(() => seen.reject(new Error(`${name}: ${output.join("\n")}`)), 60_000);
  await seen.promise.finally(() => clearTimeout(timer));
  return { process, output };
}

Deno.test({
  name: unavailable
    ? `compiled binaries (ignored: ${unavailable})`
    : "compiled binaries deliver the seed example end to end",
  ignore: unavailable !== undefined,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const suffix = uniqueSuffix();
    const vendor = startVendor();
    const json = {
      mq: { group_name: `it_bin_${suffix}` },
      notifications: [{
        event_type: "registration",
        queue_name: `it_bin_${suffix}`,
        http_method: "POST",
        http_url: `${vendor.url}/post`,
        headers: { "Content-Type": "application/json" },
        body: { user_id: "{$.event.user_id}", source: "internal_api" },
      }],
    };
    await provisionedConfig(json);
    const path = await Deno.makeTempFile({ suffix: ".json" });
    await Deno.writeTextFile(path, JSON.stringify(json));
    const port = freePort();
    const api = await runBinary(
      "notify-api",
      ["--config", path],
      { PORT: String(port) },
      "API Server started",
    );
    const worker = await runBinary("notify-worker", ["--config", path], {}, "Worker) started.");
    try {
      const response = await fetch(`http://127.0.0.1:${port}/events`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ type: "registration", data: { user_id: "12345" } }),
      });
      assert.equal(response.status, 202);
      await response.body?.cancel();
      const [request] = await vendor.waitFor(1, 30_000);
      assert.deepEqual(JSON.parse(request.body), { user_id: "12345", source: "internal_api" });
    } finally {
      api.process.kill("SIGTERM");
      worker.process.kill("SIGTERM");
      await api.process.status;
      await worker.process.status;
      await vendor.close();
      await Deno.remove(path);
    }
  },
});
