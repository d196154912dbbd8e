/**
 * Pure rendering of the local NameServer, broker and proxy configuration files, sized for a
 * small shared machine (2 cores): small mapped files and loopback-only addresses.
 *
 * @module
 */

/** Name of the cluster the local broker joins (and that provisioning targets). */
export const CLUSTER_NAME = "DefaultCluster";

/** Name of the single local broker. */
export const BROKER_NAME = "broker-a";

/** TCP ports of the local RocketMQ processes. */
export interface LocalPorts {
  /** NameServer (default 9876). */
  nameServer: number;
  /** Proxy gRPC, the port clients use (default 8081). */
  grpc: number;
  /** Proxy remoting, moved off 8080 which the API uses (default 8082). */
  proxyRemoting: number;
  /** Broker remoting (default 10911); the broker also takes this - 2 and this + 1. */
  broker: number;
}

/** Default ports of the local RocketMQ processes. */
export const DEFAULT_PORTS: LocalPorts = {
  nameServer: 9876,
  grpc: 8081,
  proxyRemoting: 8082,
  broker: 10911,
};

/** One port that a local process listens on, with the role it plays. */
export interface PortUse {
  /** The TCP port. */
  port: number;
  /** What listens there, e.g. "NameServer". */
  role: string;
}

/** Lists the ports the NameServer needs. */
export function nameServerPorts(ports: LocalPorts): PortUse[] {
  return [{ port: ports.nameServer, role: "NameServer" }];
}

/** Lists the ports the broker-with-proxy process needs (including fast-remoting and HA ports). */
export function brokerPorts(ports: LocalPorts): PortUse[] {
  return [
    { port: ports.grpc, role: "proxy gRPC" },
    { port: ports.proxyRemoting, role: "proxy remoting" },
    { port: ports.broker, role: "broker remoting" },
    { port: ports.broker - 2, role: "broker fast remoting" },
    { port: ports.broker + 1, role: "broker HA" },
  ];
}

/** Store sizing of the local broker. */
export interface StoreSizing {
  /** Size of one commitlog file in bytes (RocketMQ default 1 GiB). */
  commitLogFileBytes: number;
  /** Entries per consume queue file (20 bytes each; RocketMQ default 300000). */
  consumeQueueEntries: number;
  /** Size of one timer log file in bytes (RocketMQ default 100 MiB). */
  timerLogFileBytes: number;
}

/** Store sizing for local development: 64 MiB commitlog files, 1.2 MB consume queues. */
export const SMALL_STORE: StoreSizing = {
  commitLogFileBytes: 64 * 1024 * 1024,
  consumeQueueEntries: 60_000,
  timerLogFileBytes: 16 * 1024 * 1024,
};

/** Options of {@linkcode renderBrokerConf}. */
export interface BrokerConfOptions {
  /** Absolute folder of the message store. */
  storeDir: string;
  /** Store sizing (default {@linkcode SMALL_STORE}). */
  sizing?: StoreSizing;
}

/** Renders `broker.conf` (Java properties) for the broker that runs inside the local proxy. */
export function renderBrokerConf(ports: LocalPorts, options: BrokerConfOptions): string {
  const sizing = options.sizing ?? SMALL_STORE;
  const entries: [string, string | number | boolean][] = [
    ["brokerClusterName", CLUSTER_NAME],
    ["brokerName", BROKER_NAME],
    ["brokerId", 0],
    ["brokerRole", "ASYNC_MASTER"],
    ["flushDiskType", "ASYNC_FLUSH"],
    ["namesrvAddr", `127.0.0.1:${ports.nameServer}`],
    ["brokerIP1", "127.0.0.1"],
    ["bindAddress", "127.0.0.1"],
    ["listenPort", ports.broker],
    ["haListenPort", ports.broker + 1],
    ["storePathRootDir", options.storeDir],
    ["storePathCommitLog", `${options.storeDir}/commitlog`],
    ["mappedFileSizeCommitLog", sizing.commitLogFileBytes],
    ["mappedFileSizeConsumeQueue", sizing.consumeQueueEntries * 20],
    ["mappedFileSizeTimerLog", sizing.timerLogFileBytes],
    // flushing the 38 MB timer wheel every second costs ~40% of a core when idle
    ["timerFlushIntervalMs", 60_000],
    ["maxHashSlotNum", 100_000],
    ["maxIndexNum", 400_000],
    // topics and groups are provisioned explicitly (gRPC clients never auto-create them)
    ["autoCreateTopicEnable", true],
    ["autoCreateSubscriptionGroup", false],
    ["deleteWhen", "04"],
    ["fileReservedTime", 48],
    ["diskMaxUsedSpaceRatio", 90],
    // consumers get the group's retry policy from the proxy and nack with its delays; revive
    // (redelivery of nacked or expired pop messages) is checked every second
    ["reviveInterval", 1000],
    ["enableRetryTopicV2", true],
    // few threads: the machine has 2 cores shared with everything else
    ["sendMessageThreadPoolNums", 2],
    ["pullMessageThreadPoolNums", 4],
    ["processReplyMessageThreadPoolNums", 2],
    ["queryMessageThreadPoolNums", 2],
    ["adminBrokerThreadPoolNums", 2],
    ["clientManageThreadPoolNums", 2],
    ["consumerManageThreadPoolNums", 4],
    ["heartbeatThreadPoolNums", 1],
  ];
  return entries.map(([key, value]) => `${key}=${value}`).join("\n") + "\n";
}

/** Renders the proxy's JSON configuration (local mode: the broker runs in the same JVM). */
export function renderProxyJson(ports: LocalPorts): string {
  const config = {
    rocketMQClusterName: CLUSTER_NAME,
    namesrvAddr: `127.0.0.1:${ports.nameServer}`,
    proxyMode: "local",
    grpcServerPort: ports.grpc,
    remotingListenPort: ports.proxyRemoting,
    // lets tests long-poll with short waits (RocketMQ's default minimum is 5 s)
    grpcClientConsumerMinLongPollingTimeoutMillis: 1000,
    // push consumers long-poll for this long (sent to them in their settings); a redelivery
    // that becomes due during a poll is not always noticed before the poll ends, so this bounds
    // how late a retry can be (RocketMQ's default is 20 s)
    grpcClientConsumerMaxLongPollingTimeoutMillis: 2000,
    grpcThreadPoolNums: 4,
    grpcProducerThreadPoolNums: 2,
    grpcConsumerThreadPoolNums: 2,
    grpcRouteThreadPoolNums: 1,
    grpcClientManagerThreadPoolNums: 1,
    grpcTransactionThreadPoolNums: 1,
    rocketmqMQClientNum: 1,
  };
  return JSON.stringify(config, null, 2) + "\n";
}

/** Options of {@linkcode renderNamesrvProperties}. */
export interface NamesrvOptions {
  /** Absolute folder for the NameServer's kv and config store. */
  dataDir: string;
}

/** Renders `namesrv.properties` for the local NameServer. */
export function renderNamesrvProperties(ports: LocalPorts, options: NamesrvOptions): string {
  const entries: [string, string | number][] = [
    ["listenPort", ports.nameServer],
    ["bindAddress", "127.0.0.1"],
    ["kvConfigPath", `${options.dataDir}/kvConfig.json`],
    ["configStorePath", `${options.dataDir}/namesrv.properties`],
    ["serverWorkerThreads", 2],
    ["defaultThreadPoolNums", 4],
    ["clientRequestThreadPoolNums", 2],
  ];
  return entries.map(([key, value]) => `${key}=${value}`).join("\n") + "\n";
}
