import assert from "node:assert/strict";
import { parseConfig } from "../../shared/config.ts";
import { BrokerError } from "../../rocketmq/errors.ts";
import {
  adminCommands,
  adminFailureCause,
  adminFinished,
  adminSucceeded,
  DEFAULT_RETRY_POLICY,
  planFromConfig,
  retryPolicyOf,
} from "../../rocketmq/provision.ts";

const PLAN = {
  nameServer: "127.0.0.1:9876",
  topics: ["orders"],
  groups: ["orders_group"],
  retryMaxTimes: 5,
};

Deno.test("adminCommands creates NORMAL topics, then groups with an EXPONENTIAL policy", () => {
  const [topic, group] = adminCommands(PLAN, {
    retryPolicy: { initialMs: 100, maxMs: 2000, multiplier: 3 },
    queues: 2,
  });
  assert.deepEqual(topic, [
    "updateTopic",
    "-n",
    "127.0.0.1:9876",
    "-c",
    "DefaultCluster",
    "-t",
    "orders",
    "-r",
    "2",
    "-w",
    "2",
    "-a",
    "+message.type=NORMAL",
  ]);
  assert.deepEqual(group.slice(0, 9), [
    "updateSubGroup",
    "-n",
    "127.0.0.1:9876",
    "-c",
    "DefaultCluster",
    "-g",
    "orders_group",
    "-r",
    "5",
  ]);
  assert.equal(group[9], "-p");
  assert.deepEqual(JSON.parse(group[10]), {
    type: "EXPONENTIAL",
    exponentialRetryPolicy: { initial: 100, max: 2000, multiplier: 3 },
  });
});

Deno.test("adminCommands defaults to a 1 s .. 60 s doubling policy and a custom cluster", () => {
  const commands = adminCommands({ ...PLAN, cluster: "C1", topics: [] });
  assert.equal(commands.length, 1);
  assert.equal(commands[0][4], "C1");
  const policy = JSON.parse(commands[0].at(-1)!).exponentialRetryPolicy;
  assert.deepEqual(policy, {
    initial: DEFAULT_RETRY_POLICY.initialMs,
    max: DEFAULT_RETRY_POLICY.maxMs,
    multiplier: DEFAULT_RETRY_POLICY.multiplier,
  });
});

Deno.test("adminCommands rejects a negative retryMaxTimes, naming it", () => {
  assert.throws(
    () => adminCommands({ ...PLAN, retryMaxTimes: -1 }),
    (error: unknown) => error instanceof BrokerError && error.message.includes("-1"),
  );
});

Deno.test("planFromConfig takes the topics, one group and DLQ topic per rule, max_retries", () => {
  const config = parseConfig(JSON.stringify({
    mq: {
      name_server: "127.0.0.1:9876",
      max_retries: 3,
      retry_backoff: { initial_ms: 200, max_ms: 800, multiplier: 2 },
    },
    notifications: [
      { name: "a", event_type: "x", queue_name: "q1", http_method: "POST", http_url: "http://h/" },
      { name: "b", event_type: "y", queue_name: "q1", http_method: "POST", http_url: "http://h/" },
    ],
  }));
  assert.deepEqual(planFromConfig(config), {
    nameServer: "127.0.0.1:9876",
    topics: ["q1", "%DLQ%notification_consumer_group_a", "%DLQ%notification_consumer_group_b"],
    groups: ["notification_consumer_group_a", "notification_consumer_group_b"],
    retryMaxTimes: 3,
  });
  assert.deepEqual(retryPolicyOf(config), { initialMs: 200, maxMs: 800, multiplier: 2 });
});

const TOPIC_OK = "create topic to 127.0.0.1:10911 success.\n" +
  "TopicConfig [topicName=t, readQueueNums=4, writeQueueNums=4, perm=RW-, attributes={+message.type=NORMAL}]\n";
const GROUP_OK = "create subscription group to 127.0.0.1:10911 success.\n" +
  "SubscriptionGroupConfig{groupName=g, groupRetryPolicy=GroupRetryPolicy{type=EXPONENTIAL}, attributes={}}";
const FAILED =
  "org.apache.rocketmq.tools.command.SubCommandException: UpdateTopicSubCommand command failed\n" +
  "\tat org.apache.rocketmq.tools.command.topic.UpdateTopicSubCommand.execute(UpdateTopicSubCommand.java:200)\n" +
  "Caused by: org.apache.rocketmq.remoting.exception.RemotingConnectException: connect to 127.0.0.1:9876 failed\n";

const NO_CLUSTER = "[error] Make sure the specified clusterName exists or the name server " +
  "connected to is correct.TopicConfig [topicName=t, readQueueNums=4, attributes={}]\n";

Deno.test("adminFinished waits for the complete final config line", () => {
  assert.ok(adminFinished(TOPIC_OK));
  assert.ok(adminFinished(GROUP_OK));
  assert.ok(!adminFinished(GROUP_OK.slice(0, -3)), "an unfinished group config");
  assert.ok(!adminFinished("create topic to 127.0.0.1:10911 success.\n"));
  assert.ok(!adminFinished(FAILED));
  assert.ok(adminFinished(NO_CLUSTER), "a missing cluster also ends the command");
  assert.ok(!adminSucceeded(NO_CLUSTER));
});

Deno.test("adminSucceeded and adminFailureCause read the tool's output", () => {
  assert.ok(adminSucceeded(TOPIC_OK));
  assert.ok(!adminSucceeded(FAILED));
  assert.ok(!adminSucceeded(TOPIC_OK + "java.lang.RuntimeException: broker b failed\n"));
  assert.equal(adminFailureCause(FAILED), "connect to 127.0.0.1:9876 failed");
  assert.equal(adminFailureCause(""), "no output");
  assert.equal(
    adminFailureCause(NO_CLUSTER),
    "Make sure the specified clusterName exists or the name server connected to is correct.",
  );
});
