import assert from "node:assert/strict";
import { validateConfig } from "../../shared/config.ts";
import { explainStartupFailure } from "../../shared/mq/errors.ts";

const { mq } = validateConfig({
  notifications: [{
    event_type: "t",
    queue_name: "orders",
    http_method: "POST",
    http_url: "http://v.test/",
  }],
});

/** An error as rocketmq-client-nodejs 1.0.8 throws it from startup(): the reason is the cause. */
function wrapped(reason: string): Error {
  const routes = new Error("Failed to fetch topic routes after 3 attempts", {
    cause: new Error(reason),
  });
  return new Error("Startup the rocketmq client failed, clientId=x, error=" + routes.message, {
    cause: routes,
  });
}

Deno.test("an unreachable proxy, wrapped by the client, is retryable and says what to do", () => {
  const error = explainStartupFailure(
    wrapped("14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED"),
    { mq, topics: ["orders"] },
  );
  assert.equal(error.kind, "unreachable");
  assert.equal(
    error.message,
    "cannot reach the RocketMQ proxy at 127.0.0.1:8081 (14 UNAVAILABLE: No connection " +
      "established. Last error: connect ECONNREFUSED); start it with `deno task broker:start` " +
      "or point mq.endpoints at a running proxy",
  );
});

Deno.test("a missing topic, wrapped by the client, names the topic and the fix", () => {
  const error = explainStartupFailure(
    wrapped("5 NOT_FOUND: CODE: 17 DESC: topic not exist, orders"),
    { mq, topics: ["orders"] },
  );
  assert.equal(error.kind, "missing");
  assert.match(error.message, /^topic "orders" does not exist on the RocketMQ cluster at/);
  assert.match(error.message, /deno task broker:provision/);
});

Deno.test("a missing consumer group names the group", () => {
  const error = explainStartupFailure(
    wrapped("CONSUMER_GROUP_NOT_FOUND: group g1 not exist"),
    { mq, topics: ["orders"], groups: ["g1"] },
  );
  assert.equal(error.kind, "missing");
  assert.match(error.message, /^consumer group "g1" does not exist/);
});
