import assert from "node:assert/strict";
import { parseCliArgs } from "../../rocketmq/cli.ts";
import { BrokerError } from "../../rocketmq/errors.ts";
import { localPortsFromConfig } from "../../rocketmq/local_broker.ts";
import { isLoopback, listeningInode, parseHostPort } from "../../rocketmq/ports.ts";
import { exitCodeOf } from "../../rocketmq/with_broker.ts";

Deno.test("parseCliArgs reads the command, --config, --timeout and retry overrides", () => {
  assert.deepEqual(parseCliArgs(["stop"]), {
    command: "stop",
    rest: [],
    timeoutMs: undefined,
    retryPolicy: {},
  });
  assert.deepEqual(
    parseCliArgs(["start", "--config", "c.json", "--timeout=90", "--retry-initial", "200"]),
    {
      command: "start",
      rest: ["--config", "c.json"],
      timeoutMs: 90_000,
      retryPolicy: { initialMs: 200 },
    },
  );
});

Deno.test("parseCliArgs rejects unknown commands and options, naming them", () => {
  for (
    const [args, named] of [[["restart"], "restart"], [["start", "--fast"], "--fast"], [
      ["start", "--timeout", "soon"],
      "soon",
    ]] as const
  ) {
    assert.throws(
      () => parseCliArgs([...args]),
      (error: unknown) => error instanceof BrokerError && error.message.includes(named),
    );
  }
});

Deno.test("parseHostPort and isLoopback handle lists, defaults and schemes", () => {
  assert.deepEqual(parseHostPort("127.0.0.1:9876;10.0.0.2:9876", 1), {
    hostname: "127.0.0.1",
    port: 9876,
  });
  assert.deepEqual(parseHostPort("localhost", 8081), { hostname: "localhost", port: 8081 });
  assert.deepEqual(parseHostPort("http://[::1]:8081", 1), { hostname: "::1", port: 8081 });
  assert.throws(() => parseHostPort("", 1), BrokerError);
  assert.ok(isLoopback("127.0.0.1") && isLoopback("localhost") && isLoopback("::1"));
  assert.ok(!isLoopback("10.1.2.3"));
});

Deno.test("localPortsFromConfig follows the config's ports and refuses remote hosts", () => {
  const mq = {
    name_server: ["127.0.0.1:19876"],
    endpoints: ["localhost:18081"],
    access_key: "",
    secret_key: "",
    group_name: "g",
    max_retries: 16,
    retry_backoff: { initial_ms: 1000, max_ms: 60_000, multiplier: 2 },
  };
  const ports = localPortsFromConfig(mq);
  assert.equal(ports.nameServer, 19876);
  assert.equal(ports.grpc, 18081);
  assert.throws(
    () => localPortsFromConfig({ ...mq, endpoints: ["mq.example.com:8081"] }),
    (error: unknown) => error instanceof BrokerError && error.message.includes("mq.example.com"),
  );
});

Deno.test("listeningInode finds the listening socket of a port in /proc/net/tcp", () => {
  const table =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
    "   0: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1\n" +
    "   1: 0100007F:2694 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 999 1\n";
  assert.equal(listeningInode(table, 8081), "4242");
  assert.equal(listeningInode(table, 9876), undefined, "an established connection is no listener");
});

Deno.test("exitCodeOf passes the code through and maps signals to 128 + n", () => {
  assert.equal(exitCodeOf({ success: true, code: 0, signal: null }), 0);
  assert.equal(exitCodeOf({ success: false, code: 3, signal: null }), 3);
  assert.equal(exitCodeOf({ success: false, code: 130, signal: "SIGINT" }), 130);
  assert.equal(exitCodeOf({ success: false, code: 143, signal: "SIGTERM" }), 143);
});
