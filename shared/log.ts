/**
 * A small structured logger: one line per record, human-readable by default, a JSON object per
 * line with `LOG_FORMAT=json`, filtered by `LOG_LEVEL` (debug, info, warn, error; default info).
 * Every line passes through the config's secret values (see `configSecrets`) before it is
 * written, so a secret that slips into a message or an error is still never printed.
 *
 * @module
 */

import type { EnvReader } from "./env.ts";
import { secretRedactor } from "./redact.ts";

/** Severity of a log record, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** How lines are written. */
export type LogFormat = "text" | "json";

/** Extra key-value pairs of a record, e.g. `{ event_id, rule }`. */
export type LogFields = Record<string, unknown>;

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const FORMATS: readonly LogFormat[] = ["text", "json"];

/** A logger bound to one component. */
export interface Logger {
  /** Detail for troubleshooting. */
  debug(message: string, fields?: LogFields): void;
  /** Normal operation. */
  info(message: string, fields?: LogFields): void;
  /** Something went wrong but the service carries on. */
  warn(message: string, fields?: LogFields): void;
  /** Something failed. */
  error(message: string, fields?: LogFields): void;
  /**
   * A problem that stops the service: `error: <message>` on stderr in text format (the same line
   * a command-line tool prints), an error record in JSON format.
   */
  fatal(message: string): void;
  /**
   * A line a person or script waits for (e.g. `API Server started on :8080`): printed exactly
   * as given in text format, and as an info record with that `msg` in JSON format.
   */
  banner(message: string): void;
  /** A logger for a sub-component, e.g. `api.producer`. */
  child(name: string): Logger;
}

/** Validated `LOG_LEVEL` and `LOG_FORMAT`. */
export interface LogSettings {
  /** Lowest level written. */
  level: LogLevel;
  /** Line format. */
  format: LogFormat;
}

/** Options for {@linkcode createLogger}. */
export interface LoggerOptions {
  /** Lowest level written; defaults to `LOG_LEVEL` or `info`. */
  level?: LogLevel;
  /** `text` or `json`; defaults to `LOG_FORMAT` or `text`. */
  format?: LogFormat;
  /** Values never to print (replaced by `[redacted]` in every line). */
  secrets?: readonly string[];
  /** Where lines go; defaults to stderr for warn and error, stdout otherwise. */
  write?: (level: LogLevel, line: string) => void;
}

function envValue(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/**
 * Reads `LOG_LEVEL` and `LOG_FORMAT`, refusing values that would otherwise be ignored.
 *
 * @param env The environment, e.g. `Deno.env`.
 * @returns The settings (info and text when unset).
 * @throws {Error} E.g. `invalid environment: LOG_LEVEL: must be one of debug, info, warn, error,
 * got "verbose"`.
 */
export function logSettingsFrom(env: EnvReader): LogSettings {
  const level = (env.get("LOG_LEVEL") || "info").toLowerCase();
  if (!Object.hasOwn(LEVELS, level)) {
    throw new Error(
      `invalid environment: LOG_LEVEL: must be one of ${Object.keys(LEVELS).join(", ")}, got ${
        JSON.stringify(env.get("LOG_LEVEL"))
      }`,
    );
  }
  const format = (env.get("LOG_FORMAT") || "text").toLowerCase();
  if (!FORMATS.includes(format as LogFormat)) {
    throw new Error(
      `invalid environment: LOG_FORMAT: must be one of ${FORMATS.join(", ")}, got ${
        JSON.stringify(env.get("LOG_FORMAT"))
      }`,
    );
  }
  return { level: level as LogLevel, format: format as LogFormat };
}

function defaultWrite(level: LogLevel, line: string): void {
  if (level === "warn" || level === "error") console.error(line);
  else console.log(line);
}

function formatValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(value.message);
  if (typeof value === "string") return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

/**
 * Creates a logger for a component.
 *
 * @param name The component, e.g. `api` or `worker`.
 * @param options Level, format, secrets and sink.
 * @returns The logger.
 */
export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  const levelName = options.level ?? (envValue("LOG_LEVEL")?.toLowerCase() as LogLevel);
  const threshold = LEVELS[levelName] ?? LEVELS.info;
  const json = (options.format ?? envValue("LOG_FORMAT")?.toLowerCase()) === "json";
  const secrets = options.secrets ?? [];
  const redact = secrets.length === 0 ? undefined : secretRedactor(secrets);
  const sink = options.write ?? defaultWrite;
  function write(level: LogLevel, line: string): void {
    sink(level, redact === undefined ? line : redact(line));
  }
  function log(level: LogLevel, message: string, fields: LogFields = {}): void {
    if (LEVELS[level] < threshold) return;
    const time = new Date().toISOString();
    if (json) {
      const record: LogFields = { time, level, logger: name, msg: message };
      for (const [key, value] of Object.entries(fields)) {
        if (value !== undefined) record[key] = value instanceof Error ? value.message : value;
      }
      write(level, JSON.stringify(record));
      return;
    }
    const extra = Object.entries(fields)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}=${formatValue(value)}`)
      .join(" ");
    write(
      level,
      `${time} ${level.toUpperCase().padEnd(5)} [${name}] ${message}${extra ? ` ${extra}` : ""}`,
    );
  }
  return {
    debug: (message, fields) => log("debug", message, fields),
    info: (message, fields) => log("info", message, fields),
    warn: (message, fields) => log("warn", message, fields),
    error: (message, fields) => log("error", message, fields),
    fatal(message) {
      if (json) log("error", message);
      else write("error", `error: ${message}`);
    },
    banner(message) {
      if (json) log("info", message);
      else write("info", message);
    },
    child: (child) => createLogger(`${name}.${child}`, options),
  };
}
