/**
 * Turning RocketMQ client failures at startup into one sentence that says what is wrong and
 * what to do, instead of a bare `TOPIC_NOT_FOUND` or a gRPC stack trace.
 *
 * @module
 */

import type { MqConfig } from "../config.ts";

/** What the failing client needed. */
export interface StartupContext {
  /** The connection settings in use. */
  mq: MqConfig;
  /** Topics the client needs. */
  topics?: readonly string[];
  /** Consumer groups the client needs. */
  groups?: readonly string[];
}

const PROVISION_HINT = "run `deno task broker:provision` (or `deno task broker:start` for the " +
  "local broker) with the same config";

/** How the proxy says a consumer group is missing. */
const MISSING_GROUP =
  /CONSUMER_GROUP_NOT_FOUND|group\s+(?:\S+\s+)?(?:not\s+(?:found|exist)|does\s+not\s+exist)|subscription group/i;
/** How the proxy says a topic is missing. */
const MISSING_TOPIC =
  /TOPIC_NOT_FOUND|topic\s+(?:\S+\s+)?(?:not\s+(?:found|exist)|does\s+not\s+exist)|no\s*topic\s*route/i;

/** Why a client could not start: only `unreachable` is worth retrying unchanged. */
export type StartupFailureKind = "missing" | "unreachable" | "refused" | "other";

/** A client startup failure, explained. */
export class StartupError extends Error {
  /** The category, deciding whether to wait and retry or to stop. */
  kind: StartupFailureKind;

  /**
   * @param kind The category.
   * @param message One sentence: what is wrong and what to do.
   */
  constructor(kind: StartupFailureKind, message: string) {
    super(message);
    this.name = "StartupError";
    this.kind = kind;
  }
}

/**
 * Explains why a RocketMQ client could not start.
 *
 * @param error What `startup()` threw.
 * @param context The settings and resources involved.
 * @returns An error whose message names the missing resource or the unreachable endpoints and
 * the fix.
 */
export function explainStartupFailure(error: unknown, context: StartupContext): StartupError {
  const text = causeChain(error);
  const endpoints = context.mq.endpoints.join(";");
  const topic = /topic\s*(?:not\s*found|does\s*not\s*exist)[^A-Za-z0-9_-]*([A-Za-z0-9_%-]+)/i
    .exec(text)?.[1] ??
    context.topics?.find((t) => text.includes(t));
  if (MISSING_GROUP.test(text)) {
    const group = context.groups?.find((g) => text.includes(g));
    const name = group
      ? `consumer group "${group}"`
      : `one of the consumer groups ${JSON.stringify(context.groups)}`;
    return new StartupError(
      "missing",
      `${name} does not exist on the RocketMQ cluster at ${endpoints}; ${PROVISION_HINT}`,
    );
  }
  if (MISSING_TOPIC.test(text)) {
    const name = topic ? `topic "${topic}"` : `one of the topics ${JSON.stringify(context.topics)}`;
    return new StartupError(
      "missing",
      `${name} does not exist on the RocketMQ cluster at ${endpoints}; ${PROVISION_HINT}`,
    );
  }
  if (/UNAVAILABLE|ECONNREFUSED|DEADLINE_EXCEEDED|No connection established|timeout/i.test(text)) {
    return new StartupError(
      "unreachable",
      `cannot reach the RocketMQ proxy at ${endpoints} (${reasonOf(error)}); ` +
        "start it with `deno task broker:start` or point mq.endpoints at a running proxy",
    );
  }
  if (/UNAUTHORIZED|FORBIDDEN|signature|access\s*key/i.test(text)) {
    return new StartupError(
      "refused",
      `the RocketMQ cluster at ${endpoints} refused the credentials (${reasonOf(error)}); ` +
        "check mq.access_key and mq.secret_key",
    );
  }
  return new StartupError(
    "other",
    `cannot start the RocketMQ client for ${endpoints}: ${reasonOf(error)}`,
  );
}

/** The messages of an error and its causes, joined: the client wraps the telling one. */
function causeChain(error: unknown): string {
  const parts: string[] = [];
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    parts.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(" <- ");
}

/** The first line of the innermost cause, starting lowercase. */
function reasonOf(error: unknown): string {
  let inner = error;
  for (let depth = 0; inner instanceof Error && inner.cause !== undefined && depth < 8; depth++) {
    inner = inner.cause;
  }
  const line = (inner instanceof Error ? inner.message : String(inner)).split("\n")[0].trim();
  return line.charAt(0).toLowerCase() + line.slice(1);
}
