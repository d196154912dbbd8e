/**
 * Round trip through the real local RocketMQ (NameServer + broker + gRPC proxy): provision a
 * fresh topic and group, send one message with rocketmq-client-nodejs, receive it with a
 * SimpleConsumer. Run through `deno task test`, which starts the broker when it is not running.
 */

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { configPathFrom, loadConfig } from "../../shared/config.ts";
import { createLogger } from "../../shared/log.ts";
import { clientOptions } from "../../shared/mq/client_options.ts";
import { NotifyProducer, NotifySimpleConsumer } from "../../shared/mq/clients.ts";
import { startClient } from "../../shared/mq/connect.ts";
import { provision } from "../../rocketmq/mod.ts";

/** The client's default log file, which passing a `logger` must keep it from writing. */
function clientLogFile(): string | undefined {
  const home = Deno.env.get("HOME");
  return home ? join(home, "logs", "rocketmq", "rocketmq_client_nodejs.log") : undefined;
}

function fileExists(path: string | undefined): boolean {
  if (!path) return false;
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test({
  name: "broker: a message sent through the proxy is received with its body, tag and key",
  // the gRPC client keeps sockets and timers briefly after shutdown
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const config = await loadConfig(configPathFrom([], Deno.env));
    const suffix = `${Date.now().toString(36)}_${crypto.randomUUID().slice(0, 6)}`;
    const topic = `it_broker_${suffix}`;
    const group = `it_broker_group_${suffix}`;
    await provision({
      nameServer: config.mq.name_server.join(";"),
      topics: [topic],
      groups: [group],
      retryMaxTimes: 2,
    }, { retryPolicy: { initialMs: 200, maxMs: 1000, multiplier: 2 } });

    const logFile = clientLogFile();
    const logFileExisted = fileExists(logFile);
    const options = clientOptions(config.mq, { logger: createLogger("broker_test") });
    const producer = new NotifyProducer({ ...options, topics: [topic] });
    const consumer = new NotifySimpleConsumer({
      ...options,
      consumerGroup: group,
      subscriptions: new Map([[topic, "*"]]),
      awaitDuration: 5000,
    });
    try {
      await startClient(producer);
      await startClient(consumer);
      const key = `key-${suffix}`;
      const body = JSON.stringify({ hello: "rocketmq", suffix });
      const receipt = await producer.send({
        topic,
        tag: "greeting",
        keys: [key],
        body: Buffer.from(body),
      });
      assert.ok(receipt.messageId, "the broker returned a message id");

      const deadline = Date.now() + 30_000;
      let received;
      while (!received && Date.now() < deadline) {
        const messages = await consumer.receive(16, 15_000);
        for (const message of messages) {
          await consumer.ack(message);
          if (message.messageId === receipt.messageId) received = message;
        }
      }
      assert.ok(received, `message ${receipt.messageId} was received within 30 s`);
      assert.equal(received.topic, topic);
      assert.equal(Buffer.from(received.body).toString("utf8"), body);
      assert.equal(received.tag, "greeting");
      assert.deepEqual(received.keys, [key]);
    } finally {
      await consumer.shutdown().catch(() => {});
      await producer.shutdown().catch(() => {});
    }
    if (!logFileExisted) {
      assert.equal(fileExists(logFile), false, `the client wrote ${logFile}`);
    }
  },
});
