/**
 * The API while the broker goes away and comes back: 503 within a few seconds (never 202), then
 * 202 again from the same process. Stops and restarts the local broker, so it runs only when the
 * broker in use is the one `deno task broker:start` (or `deno task test`) launched.
 */

import assert from "node:assert/strict";
import { runningBrokerPids, startBroker, stopBroker } from "../../rocketmq/mod.ts";
import { provisionedConfig, uniqueSuffix } from "../helpers/broker.ts";
import { freePort, startService } from "../helpers/service.ts";

const managed = (await runningBrokerPids()).length === 2;
const suffix = uniqueSuffix();
const CONFIG = {
  mq: { group_name: `it_outage_${suffix}` },
  notifications: [{
    event_type: "registration",
    queue_name: `it_outage_${suffix}`,
    http_method: "POST",
    http_url: "http://127.0.0.1:9/unused",
  }],
};

Deno.test({
  name: managed
    ? "api: broker stopped answers 503 quickly, broker back answers 202 again"
    : "api: broker outage (ignored: the broker in use was not started by this checkout)",
  ignore: !managed,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await provisionedConfig(CONFIG);
    const port = freePort();
    const api = await startService("api/main.ts", {
      config: CONFIG,
      env: { PORT: String(port), PUBLISH_TIMEOUT_MS: "3000" },
      readyLine: `API Server started on :${port}`,
    });
    const post = async () => {
      const started = Date.now();
      const response = await fetch(`http://127.0.0.1:${port}/events`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ type: "registration", data: { user_id: "1" } }),
      });
      return { response, body: await response.json(), ms: Date.now() - started };
    };
    let brokerDown = false;
    try {
      const before = await post();
      assert.equal(before.response.status, 202);

      await stopBroker();
      brokerDown = true;
      for (let i = 0; i < 3; i++) {
        const during = await post();
        assert.equal(during.response.status, 503, JSON.stringify(during.body));
        assert.equal(during.response.headers.get("retry-after"), "5");
        assert.match(during.body.id, /^[0-9a-f-]{36}$/);
        assert.ok(during.ms < 5000, `503 took ${during.ms} ms`);
        console.log(`broker down: 503 after ${during.ms} ms`);
      }
      const notReady = await fetch(`http://127.0.0.1:${port}/readyz`);
      assert.equal(notReady.status, 503);
      await notReady.body?.cancel();

      await startBroker({ log: () => {} });
      brokerDown = false;
      let after = await post();
      for (let i = 0; i < 30 && after.response.status !== 202; i++) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        after = await post();
      }
      assert.equal(after.response.status, 202, JSON.stringify(after.body));
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      assert.equal(ready.status, 200);
      await ready.body?.cancel();
    } finally {
      if (brokerDown) await startBroker({ log: () => {} });
      await api.stop("SIGKILL");
    }
  },
});
