/**
 * The worker's operational settings, from the environment.
 *
 * | variable             | default | meaning                                             |
 * | -------------------- | ------- | --------------------------------------------------- |
 * | `WORKER_CONCURRENCY` | `32`    | deliveries in flight at once, per notification rule |
 * | `SHUTDOWN_GRACE_MS`  | `30000` | longest wait for in-flight deliveries at shutdown   |
 *
 * @module
 */

import { type EnvReader, integerFromEnv } from "../shared/env.ts";

/** Validated worker settings. */
export interface WorkerSettings {
  /** Deliveries in flight at once, per rule. */
  concurrency: number;
  /** Longest wait for in-flight deliveries at shutdown, in ms. */
  shutdownGraceMs: number;
}

/**
 * Reads the settings from the environment.
 *
 * @param env The environment, e.g. `Deno.env`.
 * @returns The settings.
 * @throws {Error} Naming the invalid variable.
 */
export function workerSettingsFrom(env: EnvReader): WorkerSettings {
  return {
    concurrency: integerFromEnv(env, "WORKER_CONCURRENCY", { min: 1, max: 1024, fallback: 32 }),
    shutdownGraceMs: integerFromEnv(env, "SHUTDOWN_GRACE_MS", {
      min: 0,
      max: 600_000,
      fallback: 30_000,
    }),
  };
}
