/**
 * Reading what a topic holds straight from the broker with RocketMQ's admin tool (`printMsg`),
 * without a consumer group: used to list a rule's dead letters (`deno task broker:dead-letters`)
 * and by tests to read them back. A consumer group would not do here: RocketMQ 5's gRPC proxy
 * pops `%DLQ%` topics without handing their messages to the client.
 *
 * @module
 */

import { BrokerError } from "./errors.ts";
import { adminTool, type AdminToolOptions } from "./java.ts";

/** One message as stored on the broker. */
export interface StoredMessage {
  /** Queue the message is in. */
  queueId: number;
  /** Its keys (the event id). */
  keys: string[];
  /** Its tag (the event type). */
  tag?: string;
  /** How often it had been redelivered before it got here. */
  reconsumeTimes: number;
  /** The body as text (the envelope). */
  body: string;
}

/**
 * Parses the output of `printMsg -d true`: one `MSGID:` line per message.
 *
 * @param output The tool's standard output.
 * @returns The messages found.
 */
export function parsePrintMsgOutput(output: string): StoredMessage[] {
  const messages: StoredMessage[] = [];
  for (const line of output.split("\n")) {
    if (!line.startsWith("MSGID:")) continue;
    const field = (pattern: RegExp) => pattern.exec(line)?.[1];
    const keys = field(/[{ ]KEYS=([^,}]*)/);
    messages.push({
      queueId: Number(field(/queueId=(\d+)/) ?? -1),
      keys: keys ? keys.split(" ").filter((k) => k !== "") : [],
      tag: field(/[{ ]TAGS=([^,}]*)/),
      reconsumeTimes: Number(field(/reconsumeTimes=(\d+)/) ?? 0),
      body: field(/ BODY: (.*)$/) ?? "",
    });
  }
  return messages;
}

/**
 * Lists every message a topic holds.
 *
 * @param nameServer NameServer address(es), `host:port[;host:port]`.
 * @param topic The topic, e.g. `%DLQ%notification_consumer_group_registration`.
 * @param options Java, jars, layout and environment of the admin tool.
 * @returns The messages, queue by queue; empty when the topic does not exist.
 * @throws {BrokerError} When the admin tool cannot run or reach the NameServer.
 */
export async function readTopic(
  nameServer: string,
  topic: string,
  options: AdminToolOptions = {},
): Promise<StoredMessage[]> {
  const tool = await adminTool(options);
  const args = [
    ...tool.args,
    "printMsg",
    "-n",
    nameServer,
    "-t",
    topic,
    "-d",
    "true",
  ];
  const result = await new Deno.Command(tool.command, {
    args,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).output();
  const output = new TextDecoder().decode(result.stdout) +
    new TextDecoder().decode(result.stderr);
  if (/No topic route info|TOPIC_NOT_EXIST|topic\[.*\] not exist/i.test(output)) return [];
  if (!result.success && !output.includes("MSGID:")) {
    const cause = output.split("\n").find((line) => /exception/i.test(line))?.trim() ??
      "no output";
    throw new BrokerError(`reading topic ${topic} on ${nameServer} failed (${cause})`);
  }
  return parsePrintMsgOutput(output);
}
