/**
 * Options shared by every RocketMQ client of notify: endpoints, credentials, and a logger that
 * routes the client's own printf-style logging through ours instead of files under `$HOME`.
 *
 * @module
 */

import { format } from "node:util";
import type { BaseClientOptions, ILogger } from "rocketmq-client-nodejs";
import type { MqConfig } from "../config.ts";
import type { Logger } from "../log.ts";

/**
 * Adapts our logger to the client's `ILogger`. The client is chatty at info level (every
 * heartbeat and route refresh), so its info lines become debug lines here.
 *
 * @param logger Our logger, e.g. `createLogger("api").child("rocketmq")`.
 * @returns A logger the client accepts.
 */
export function clientLogger(logger: Logger): ILogger {
  return {
    debug: (...args: unknown[]) => logger.debug(line(args)),
    info: (...args: unknown[]) => logger.debug(line(args)),
    warn: (...args: unknown[]) => logger.warn(line(args)),
    error: (...args: unknown[]) => logger.error(line(args)),
    close: () => {},
  };
}

/** Formats the client's printf-style arguments as one line: errors by message, no stack. */
function line(args: unknown[]): string {
  const plain = args.map((arg) => arg instanceof Error ? `${arg.name}: ${arg.message}` : arg);
  return format(...plain).replace(/\s*\n\s*/g, " ");
}

/** Options for {@linkcode clientOptions}. */
export interface ClientOptionsOptions {
  /** Where the client's own log lines go. */
  logger: Logger;
  /** Timeout of one RPC to the proxy, in ms (the client's minimum is 1000). */
  requestTimeoutMs?: number;
}

/**
 * Builds the options every client needs from the `mq` section of the config.
 *
 * @param mq The RocketMQ connection settings.
 * @param options Logger and RPC timeout.
 * @returns Options for a `Producer`, `SimpleConsumer` or `PushConsumer`.
 */
export function clientOptions(
  mq: MqConfig,
  options: ClientOptionsOptions,
): BaseClientOptions & { logger: ILogger } {
  return {
    endpoints: mq.endpoints.join(";"),
    namespace: "",
    requestTimeout: Math.max(1000, options.requestTimeoutMs ?? 3000),
    logger: clientLogger(options.logger),
    sessionCredentials: mq.access_key === ""
      ? undefined
      : { accessKey: mq.access_key, accessSecret: mq.secret_key },
  };
}
