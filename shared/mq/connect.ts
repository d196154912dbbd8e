/**
 * Starting a RocketMQ client at service startup: wait for an unreachable broker (it may still be
 * booting), but stop at once for problems that waiting cannot fix, such as a missing topic.
 *
 * @module
 */

import { sleep } from "../deadline.ts";
import type { Logger } from "../log.ts";
import { StartupError } from "./errors.ts";

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
