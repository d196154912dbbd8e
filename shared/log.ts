/**
 * A small structured logger: one line per record, human-readable by default, a JSON object per
 * line with `LOG_FORMAT=json`, filtered by `LOG_LEVEL` (debug, info, warn, error; default info).
 *
 * @module
 */

/** Severity of a log record, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Extra key-value pairs of a record, e.g. `{ event_id, rule }`. */
export type LogFields = Record<string, unknown>;

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

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
  /** A logger for a sub-component, e.g. `api.producer`. */
  child(name: string): Logger;
}

/** Options for {@linkcode createLogger}. */
export interface LoggerOptions {
  /** Lowest level written; defaults to `LOG_LEVEL` or `info`. */
  level?: LogLevel;
  /** `text` or `json`; defaults to `LOG_FORMAT` or `text`. */
  format?: "text" | "json";
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
 * @param options Level, format and sink.
 * @returns The logger.
 */
export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  const levelName = options.level ?? (envValue("LOG_LEVEL")?.toLowerCase() as LogLevel);
  const threshold = LEVELS[levelName] ?? LEVELS.info;
  const json = (options.format ?? envValue("LOG_FORMAT")) === "json";
  const write = options.write ?? defaultWrite;
  function log(level: LogLevel, message: string, fields: LogFields = {}): void {
    if (LEVELS[level] < threshold) return;
    const time = new Date().toISOString();
    if (json) {
      const record: LogFields = { time, level, logger: name, msg: message };
      for (const [key, value] of Object.entries(fields)) {
        record[key] = value instanceof Error ? value.message : value;
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
    child: (child) => createLogger(`${name}.${child}`, options),
  };
}
