/**
 * The API's operational settings, from the environment.
 *
 * | variable             | default    | meaning                                                 |
 * | -------------------- | ---------- | ------------------------------------------------------- |
 * | `PORT`               | `8080`     | TCP port to listen on                                   |
 * | `HOST`               | `0.0.0.0`  | address to listen on                                    |
 * | `MAX_BODY_BYTES`     | `1048576`  | largest accepted request body                           |
 * | `MAX_INFLIGHT_BYTES` | `67108864` | bytes reserved for bodies being handled (up to 256 MiB) |
 * | `BODY_TIMEOUT_MS`    | `10000`    | longest time a request body may take to arrive          |
 * | `PUBLISH_TIMEOUT_MS` | `5000`     | longest wait for the broker to acknowledge an event     |
 * | `RETRY_AFTER_S`      | `5`        | `Retry-After` sent with 503 answers                     |
 *
 * @module
 */

import { type EnvReader, integerFromEnv } from "../shared/env.ts";

/** Validated API settings. */
export interface ApiSettings {
  /** TCP port. */
  port: number;
  /** Listen address. */
  host: string;
  /** Largest accepted request body, in bytes. */
  maxBodyBytes: number;
  /**
   * Bytes of request bodies being handled at once; a POST beyond it gets 503 at once. Bounds the
   * memory a burst of large events can take (each needs a few times its size while handled).
   */
  maxInflightBytes: number;
  /** Deadline for receiving a request body, in ms. */
  bodyTimeoutMs: number;
  /** Deadline for the broker's acknowledgement, in ms. */
  publishTimeoutMs: number;
  /** Seconds a client is asked to wait after a 503. */
  retryAfterSeconds: number;
}

/**
 * Reads the settings from the environment.
 *
 * @param env The environment, e.g. `Deno.env`.
 * @returns The settings.
 * @throws {Error} Naming the invalid variable.
 */
export function apiSettingsFrom(env: EnvReader): ApiSettings {
  const maxBodyBytes = integerFromEnv(env, "MAX_BODY_BYTES", {
    min: 1,
    // RocketMQ's client refuses message bodies over 4 MiB; leave room for the envelope
    max: 4 * 1024 * 1024 - 4096,
    fallback: 1024 * 1024,
  });
  const maxInflightBytes = integerFromEnv(env, "MAX_INFLIGHT_BYTES", {
    min: 1,
    // well below the 512 MB old space the API runs with (shared/v8_flags.ts)
    max: 256 * 1024 * 1024,
    fallback: 64 * 1024 * 1024,
  });
  if (maxInflightBytes < maxBodyBytes) {
    throw new Error(
      `invalid environment: MAX_INFLIGHT_BYTES: must be at least MAX_BODY_BYTES (${maxBodyBytes}), ` +
        `got ${maxInflightBytes}`,
    );
  }
  return {
    port: integerFromEnv(env, "PORT", { min: 0, max: 65535, fallback: 8080 }),
    host: env.get("HOST") || "0.0.0.0",
    maxBodyBytes,
    maxInflightBytes,
    bodyTimeoutMs: integerFromEnv(env, "BODY_TIMEOUT_MS", {
      min: 100,
      max: 600_000,
      fallback: 10_000,
    }),
    publishTimeoutMs: integerFromEnv(env, "PUBLISH_TIMEOUT_MS", {
      min: 1000,
      max: 120_000,
      fallback: 5000,
    }),
    retryAfterSeconds: integerFromEnv(env, "RETRY_AFTER_S", { min: 1, max: 3600, fallback: 5 }),
  };
}
