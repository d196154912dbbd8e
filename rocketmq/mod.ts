/**
 * Local Apache RocketMQ 5 for development and tests: jar resolution, start/stop/wipe of a
 * NameServer plus broker-with-proxy, and provisioning of topics and consumer groups.
 *
 * ```ts
 * import { provision } from "./rocketmq/mod.ts";
 * await provision({ nameServer: "127.0.0.1:9876", topics: ["t"], groups: ["g"], retryMaxTimes: 3 }, {
 *   retryPolicy: { initialMs: 200, maxMs: 1000, multiplier: 2 },
 * });
 * ```
 *
 * @module
 */

export { BrokerError } from "./errors.ts";
export {
  brokerReachable,
  configAddresses,
  DEFAULT_START_TIMEOUT_MS,
  HEALTH_TOPIC,
  localAddresses,
  localPortsFromConfig,
  runningBrokerPids,
  startBroker,
  stopBroker,
  wipeBroker,
} from "./local_broker.ts";
export type { LocalBrokerOptions, StartOptions, StartResult, StopOptions } from "./local_broker.ts";
export { localLayout } from "./layout.ts";
export type { LocalLayout } from "./layout.ts";
export { sendProbe } from "./probe.ts";
export type { ProbeOptions } from "./probe.ts";
export {
  DEFAULT_QUEUES,
  DEFAULT_RETRY_POLICY,
  planFromConfig,
  provision,
  retryPolicyOf,
} from "./provision.ts";
export type { ProvisionOptions, ProvisionPlan, RetryPolicy } from "./provision.ts";
export { DEFAULT_PORTS } from "./render.ts";
export type { LocalPorts } from "./render.ts";
