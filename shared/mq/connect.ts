/**
 * Starting a RocketMQ client at service startup: wait for an unreachable broker (it may still be
 * booting), but stop at once for problems that waiting cannot fix, such as a missing topic.
 *
 * @module
 */

import { settlesWithin, sleep } from "../deadline.ts";
import type { Logger } from "../log.ts";
import { explainStartupFailure, type StartupContext, StartupError } from "./errors.ts";

/** Options for {@linkcode startWhenReachable}. */
export interface StartWhenReachableOptions {
  /** Where each failed attempt is logged. */
  logger: Logger;
  /** Stops waiting (e.g. on SIGTERM); the function then resolves to undefined. */
  signal?: AbortSignal;
  /** Pause between attempts, in ms (default 2000). */
  intervalMs?: number;
}

/**
 * Calls `start` until it succeeds, retrying only while the broker is unreachable.
 *
 * @param start Starts the client; throws {@linkcode StartupError} on failure.
 * @param options Logger, abort signal and pause.
 * @returns The started client, or undefined when aborted while waiting.
 * @throws {StartupError} For failures that retrying cannot fix.
 */
export async function startWhenReachable<T>(
  start: () => Promise<T>,
  options: StartWhenReachableOptions,
): Promise<T | undefined> {
  const intervalMs = options.intervalMs ?? 2000;
  for (let attempt = 1;; attempt++) {
    if (options.signal?.aborted) return undefined;
    try {
      return await start();
    } catch (error) {
      if (!(error instanceof StartupError) || error.kind !== "unreachable") throw error;
      options.logger.warn(`${error.message}; retrying in ${intervalMs} ms`, { attempt });
    }
    await sleep(intervalMs, options.signal);
  }
}

/** A RocketMQ client: `Producer`, `SimpleConsumer` or `PushConsumer`. */
export interface StartableClient {
  /** Connects and fetches routes. */
  startup(): Promise<void>;
  /** Disconnects. */
  shutdown(): Promise<void>;
  /** Replays the proxy's last settings command (see `clients.ts`), when the client can. */
  replaySettings?(): void;
}

/** Options for {@linkcode startClient}. */
export interface StartClientOptions {
  /** Longest time startup may take, in ms (default 15000). */
  timeoutMs?: number;
  /** What the client needs; when given, failures are explained as a {@linkcode StartupError}. */
  context?: StartupContext;
}

/**
 * Starts a client within a deadline; on failure shuts it down and, given a context, explains why.
 *
 * @param client The client to start.
 * @param options The deadline, and what the client needs (for the explanation).
 * @throws {StartupError} Saying what is missing or unreachable and what to do (with a context;
 * otherwise the client's own error).
 */
export async function startClient(
  client: StartableClient,
  options: StartClientOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`startup did not finish within ${timeoutMs} ms (timeout)`)),
      timeoutMs,
    );
  });
  // works around the settings race of rocketmq-client-nodejs 1.0.8 (see clients.ts)
  const replay = setInterval(() => client.replaySettings?.(), 500);
  try {
    await Promise.race([client.startup(), deadline]);
  } catch (error) {
    // the client's shutdown can hang after a failed startup; do not wait for it long
    await settlesWithin(client.shutdown(), 3000);
    throw options.context ? explainStartupFailure(error, options.context) : error;
  } finally {
    clearTimeout(timer);
    clearInterval(replay);
  }
}
