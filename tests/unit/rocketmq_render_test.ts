import assert from "node:assert/strict";
import {
  brokerPorts,
  DEFAULT_PORTS,
  nameServerPorts,
  renderBrokerConf,
  renderNamesrvProperties,
  renderProxyJson,
  SMALL_STORE,
} from "../../rocketmq/render.ts";

function properties(text: string): Map<string, string> {
  return new Map(
    text.trim().split("\n").map((line) => line.split(/=(.*)/s, 2) as [string, string]),
  );
}

Deno.test("renderBrokerConf keeps the store below the given folder, small and on loopback", () => {
  const conf = properties(renderBrokerConf(DEFAULT_PORTS, { storeDir: "/repo/.rocketmq/store" }));
  assert.equal(conf.get("storePathRootDir"), "/repo/.rocketmq/store");
  assert.equal(conf.get("storePathCommitLog"), "/repo/.rocketmq/store/commitlog");
  assert.equal(conf.get("mappedFileSizeCommitLog"), String(64 * 1024 * 1024));
  assert.equal(
    conf.get("mappedFileSizeConsumeQueue"),
    String(SMALL_STORE.consumeQueueEntries * 20),
  );
  assert.equal(conf.get("listenPort"), "10911");
  assert.equal(conf.get("haListenPort"), "10912");
  assert.equal(conf.get("namesrvAddr"), "127.0.0.1:9876");
  assert.equal(conf.get("brokerIP1"), "127.0.0.1");
  assert.equal(conf.get("brokerClusterName"), "DefaultCluster");
});

Deno.test("renderBrokerConf follows custom ports and sizing", () => {
  const ports = { ...DEFAULT_PORTS, nameServer: 19876, broker: 20911 };
  const sizing = {
    commitLogFileBytes: 1 << 20,
    consumeQueueEntries: 1000,
    timerLogFileBytes: 1 << 20,
  };
  const conf = properties(renderBrokerConf(ports, { storeDir: "/s", sizing }));
  assert.equal(conf.get("namesrvAddr"), "127.0.0.1:19876");
  assert.equal(conf.get("listenPort"), "20911");
  assert.equal(conf.get("mappedFileSizeCommitLog"), String(1 << 20));
  assert.equal(conf.get("mappedFileSizeConsumeQueue"), "20000");
});

Deno.test("renderProxyJson runs the proxy locally with remoting moved off the API's 8080", () => {
  const proxy = JSON.parse(renderProxyJson(DEFAULT_PORTS));
  assert.equal(proxy.proxyMode, "local");
  assert.equal(proxy.grpcServerPort, 8081);
  assert.equal(proxy.remotingListenPort, 8082);
  assert.equal(proxy.namesrvAddr, "127.0.0.1:9876");
  assert.equal(proxy.rocketMQClusterName, "DefaultCluster");
});

Deno.test("renderNamesrvProperties keeps the NameServer's files in the data folder", () => {
  const conf = properties(renderNamesrvProperties(DEFAULT_PORTS, { dataDir: "/d" }));
  assert.equal(conf.get("listenPort"), "9876");
  assert.equal(conf.get("kvConfigPath"), "/d/kvConfig.json");
  assert.equal(conf.get("configStorePath"), "/d/namesrv.properties");
});

Deno.test("the port lists name every port the JVMs take, with its role", () => {
  assert.deepEqual(nameServerPorts(DEFAULT_PORTS), [{ port: 9876, role: "NameServer" }]);
  const ports = brokerPorts(DEFAULT_PORTS).map((use) => use.port).sort();
  assert.deepEqual(ports, [10909, 10911, 10912, 8081, 8082]);
  assert.ok(!ports.includes(8080));
});
