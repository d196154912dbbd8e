/**
 * Loading and validating `config.json`: the RocketMQ connection and the notification rules.
 *
 * The seed's format loads unchanged; everything added since has a default. Unknown keys are
 * rejected (a typo such as `http_ulr` would otherwise silently drop a setting). Every problem is
 * reported at once, each with its path, e.g.
 * `notifications[1].http_url: must be an absolute http(s) URL, got "ftp://x"`.
 *
 * Any string may reference environment variables as `${NAME}` (resolved at load; an unset one is
 * a config error naming it). The ACL keys, credential header values and every value taken from
 * the environment are the config's secrets: error messages and log lines never show them.
 *
 * @module
 */

import { z } from "zod";
import type { EnvReader } from "./env.ts";
import { type ReferenceUse, resolveEnvReferences } from "./env_refs.ts";
import { EVENT_TYPE_PATTERN, MAX_EVENT_TYPE_LENGTH } from "./event.ts";
import {
  HTTP_METHODS,
  parseRequestTemplate,
  type RequestSpec,
  type RequestTemplate,
} from "./request_template.ts";
import { isSecretHeader, secretRedactor } from "./redact.ts";
import { TemplateSyntaxError } from "./template.ts";
import {
  formatPath,
  formatProblem,
  jsonShapeProblem,
  jsonSyntaxMessage,
  type Problem,
  problemsFromZod,
} from "./validation.ts";

export type { EnvReader } from "./env.ts";

/** Where the config is read from when neither `--config` nor `CONFIG_PATH` is given. */
export const DEFAULT_CONFIG_PATH = "./config.json";

/** Topic names RocketMQ reserves for itself; a `queue_name` may not be one of them. */
const SYSTEM_TOPICS = new Set([
  "TBW102",
  "SCHEDULE_TOPIC_XXXX",
  "BenchmarkTest",
  "OFFSET_MOVED_EVENT",
  "SELF_TEST_TOPIC",
  "RMQ_SYS_TRANS_HALF_TOPIC",
  "RMQ_SYS_TRACE_TOPIC",
  "RMQ_SYS_TRANS_OP_HALF_TOPIC",
  "TRANS_CHECK_MAX_TIME_TOPIC",
  "DefaultCluster",
]);

const HOST_PORT = /^[A-Za-z0-9.\-]+:[0-9]{1,5}$|^\[[0-9A-Fa-f:.]+\]:[0-9]{1,5}$/;

function addressList(what: string): z.ZodType<string[], string | string[]> {
  return z.union([z.string(), z.array(z.string()).min(1)]).transform((value, ctx) => {
    const list = (Array.isArray(value) ? value : value.split(/[;,]/)).map((s) => s.trim());
    list.forEach((address, i) => {
      const port = Number(address.slice(address.lastIndexOf(":") + 1));
      if (!HOST_PORT.test(address) || port < 1 || port > 65535) {
        ctx.addIssue({
          code: "custom",
          path: Array.isArray(value) ? [i] : [],
          message: `must be ${what} as host:port, got ${JSON.stringify(address)}`,
        });
      }
    });
    return list;
  });
}

const topicName = z.string().max(127).regex(/^[A-Za-z0-9_-]+$/, {
  error: "must be a RocketMQ topic name: 1 to 127 letters, digits, _ or -",
}).refine((name) => !SYSTEM_TOPICS.has(name) && !/^rmq_sys_/i.test(name), {
  error: (issue) => `${JSON.stringify(issue.input)} is reserved by RocketMQ`,
});

const groupName = z.string().max(120).regex(/^[A-Za-z0-9_-]+$/, {
  error: "must be 1 to 120 letters, digits, _ or -",
});

const ruleName = z.string().max(64).regex(/^[A-Za-z0-9_-]+$/, {
  error: "must be 1 to 64 letters, digits, _ or -",
});

const BackoffSchema = z.strictObject({
  initial_ms: z.int().min(1).default(1000),
  max_ms: z.int().min(1).default(600_000),
  multiplier: z.number().min(1).default(2),
}).refine((b) => b.max_ms >= b.initial_ms, {
  error: (issue) => {
    const b = issue.input as { initial_ms: number; max_ms: number };
    return `must be at least initial_ms (${b.initial_ms}), got ${b.max_ms}`;
  },
  path: ["max_ms"],
});

const MqSchema = z.strictObject({
  name_server: addressList("a NameServer address").default(["127.0.0.1:9876"]),
  endpoints: addressList("a proxy gRPC endpoint").default(["127.0.0.1:8081"]),
  access_key: z.string().default(""),
  secret_key: z.string().default(""),
  group_name: groupName.default("notification_consumer_group"),
  max_retries: z.int().min(0).max(64).default(16),
  retry_backoff: BackoffSchema.default({ initial_ms: 1000, max_ms: 600_000, multiplier: 2 }),
}).refine((mq) => (mq.access_key === "") === (mq.secret_key === ""), {
  error: "access_key and secret_key must be given together",
  path: ["secret_key"],
});

const RuleSchema = z.strictObject({
  name: ruleName.optional(),
  event_type: z.string().min(1).max(MAX_EVENT_TYPE_LENGTH).regex(EVENT_TYPE_PATTERN, {
    error: "must start with a letter or digit and contain only letters, digits, _ . -",
  }),
  queue_name: topicName,
  http_method: z.enum(HTTP_METHODS),
  http_url: z.string(),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.json().optional(),
  timeout_ms: z.int().min(1).max(300_000).default(10_000),
});

const ConfigSchema = z.strictObject({
  mq: MqSchema.default(MqSchema.parse({})),
  notifications: z.array(RuleSchema).min(1),
});

/** Exponential redelivery schedule of a consumer group: `initial_ms * multiplier^n`, capped. */
export interface RetryBackoff {
  /** Delay before the first redelivery, in ms (default 1000). */
  initial_ms: number;
  /** Longest delay between redeliveries, in ms (default 600000). */
  max_ms: number;
  /** Growth factor per attempt (default 2). */
  multiplier: number;
}

/** The RocketMQ connection. */
export interface MqConfig {
  /** NameServer addresses, used for provisioning (default `["127.0.0.1:9876"]`). */
  name_server: string[];
  /** Proxy gRPC endpoints the clients talk to (default `["127.0.0.1:8081"]`). */
  endpoints: string[];
  /** ACL access key; empty for none. */
  access_key: string;
  /** ACL secret key; empty for none. */
  secret_key: string;
  /** Prefix of the consumer groups, one per rule (default `notification_consumer_group`). */
  group_name: string;
  /** Redeliveries before a message goes to the dead-letter queue (default 16). */
  max_retries: number;
  /** Redelivery schedule. */
  retry_backoff: RetryBackoff;
}

/** One notification rule: which events, which topic, and the request to send. */
export interface NotificationRule extends RequestSpec {
  /** Unique rule name; defaults to `event_type` with `.` replaced by `_`. */
  name: string;
  /** Event type this rule delivers. */
  event_type: string;
  /** RocketMQ topic the API publishes these events to. */
  queue_name: string;
  /** Timeout of one vendor request, in ms (default 10000). */
  timeout_ms: number;
  /** The parsed request templates. */
  request: RequestTemplate;
}

/** A validated config. */
export interface Config {
  /** The RocketMQ connection. */
  mq: MqConfig;
  /** The notification rules, in file order. */
  notifications: NotificationRule[];
  /**
   * Values never to print: the ACL keys, the values of credential headers (`Authorization`,
   * `X-Api-Key`, `*-Token`, ...) and every value taken from the environment.
   */
  secrets: string[];
}

/** Options for {@linkcode ConfigError}. */
export interface ConfigErrorOptions {
  /** Values to replace by `[redacted]` in the messages. */
  secrets?: readonly string[];
}

/** A config that cannot be used; `problems` lists every reason, each with its field. */
export class ConfigError extends Error {
  /** Every problem found, as `field: message` lines. */
  issues: string[];

  /**
   * Builds the message from every problem, with the secrets replaced.
   *
   * @param source Where the config came from, e.g. its path.
   * @param problems Every problem found.
   * @param options Values to hide from the messages.
   */
  constructor(source: string, problems: Problem[], options: ConfigErrorOptions = {}) {
    const redact = secretRedactor(options.secrets ?? []);
    const issues = problems.map((problem) => redact(formatProblem(problem)));
    super(`invalid config ${source}:\n${issues.map((line) => `  ${line}`).join("\n")}`);
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/** Options for {@linkcode parseConfig}. */
export interface ParseConfigOptions {
  /** Where the text came from, for messages (default `config`). */
  source?: string;
  /** Where `${NAME}` references are looked up (default `Deno.env`). */
  env?: EnvReader;
}

function stringAt(document: unknown, ...path: string[]): string | undefined {
  let value = document;
  for (const key of path) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === "string" ? value : undefined;
}

/**
 * The values of a (resolved, not necessarily valid) config document that must never be printed:
 * `mq.access_key`, `mq.secret_key`, every value of a header named like a credential, and every
 * value taken from the environment (a URL may carry a token as well as a header can).
 *
 * @param document The config document after `${NAME}` resolution.
 * @param uses The references that were resolved.
 * @returns The secret values, without empty ones.
 */
export function configSecrets(document: unknown, uses: readonly ReferenceUse[] = []): string[] {
  const secrets = new Set<string>();
  for (const key of ["access_key", "secret_key"]) {
    const value = stringAt(document, "mq", key);
    if (value) secrets.add(value);
  }
  const rules = (document as { notifications?: unknown } | null)?.notifications;
  if (Array.isArray(rules)) {
    for (const rule of rules) {
      const headers = (rule as { headers?: unknown } | null)?.headers;
      if (headers === null || typeof headers !== "object") continue;
      for (const [name, value] of Object.entries(headers)) {
        if (typeof value === "string" && value !== "" && isSecretHeader(name)) secrets.add(value);
      }
    }
  }
  for (const use of uses) {
    if (use.value !== "") secrets.add(use.value);
  }
  return [...secrets];
}

/**
 * Parses and validates config text.
 *
 * @param text The JSON text.
 * @param options Where the text came from.
 * @returns The config, with templates parsed.
 * @throws {ConfigError} Listing every problem.
 */
export function parseConfig(text: string, options: ParseConfigOptions = {}): Config {
  const source = options.source ?? "config";
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(source, [{ field: "", message: jsonSyntaxMessage(text, error) }]);
  }
  return validateConfig(json, { ...options, source });
}

/**
 * Validates an already parsed config document.
 *
 * @param json The parsed JSON.
 * @param options Where it came from.
 * @returns The config, with templates parsed.
 * @throws {ConfigError} Listing every problem.
 */
export function validateConfig(json: unknown, options: ParseConfigOptions = {}): Config {
  const source = options.source ?? "config";
  const shape = jsonShapeProblem(json);
  if (shape) throw new ConfigError(source, [shape]);
  const resolved = resolveEnvReferences(json, options.env ?? Deno.env);
  const secrets = configSecrets(resolved.value, resolved.uses);
  if (resolved.problems.length > 0) throw new ConfigError(source, resolved.problems, { secrets });
  const result = ConfigSchema.safeParse(resolved.value, { reportInput: true });
  if (!result.success) throw new ConfigError(source, problemsFromZod(result.error), { secrets });
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  const notifications: NotificationRule[] = [];
  result.data.notifications.forEach((raw, i) => {
    const prefix = `notifications[${i}]`;
    const name = raw.name ?? raw.event_type.replaceAll(".", "_");
    if (raw.name === undefined && !ruleName.safeParse(name).success) {
      problems.push({
        field: `${prefix}.name`,
        message: `is required: the event_type ${JSON.stringify(raw.event_type)} is longer ` +
          "than the 64 characters a default name may have",
      });
    }
    const first = seen.get(name);
    if (first !== undefined) {
      problems.push({
        field: `${prefix}.name`,
        message: `duplicate rule name ${JSON.stringify(name)} (also notifications[${first}]); ` +
          `rules need distinct "name" values, which default to the event_type`,
      });
    } else {
      seen.set(name, i);
    }
    const spec: RequestSpec = {
      http_method: raw.http_method,
      http_url: raw.http_url,
      headers: raw.headers,
      body: raw.body as RequestSpec["body"],
    };
    try {
      notifications.push({ ...raw, ...spec, name, request: parseRequestTemplate(spec) });
    } catch (error) {
      if (!(error instanceof TemplateSyntaxError)) throw error;
      problems.push({ field: formatPath(error.path, prefix), message: error.message });
    }
  });
  if (problems.length > 0) throw new ConfigError(source, problems, { secrets });
  return { mq: result.data.mq, notifications, secrets };
}

/**
 * Picks the config path: `--config PATH` (or `--config=PATH`), else `CONFIG_PATH`, else
 * `./config.json`.
 *
 * @param args Command-line arguments.
 * @param env Environment; defaults to `Deno.env`.
 * @returns The path.
 * @throws {ConfigError} When `--config` has no value.
 */
export function configPathFrom(args: readonly string[], env: EnvReader = Deno.env): string {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--config") {
      const value = args[i + 1];
      if (value === undefined || value === "") {
        throw new ConfigError("arguments", [{ field: "--config", message: "needs a path" }]);
      }
      return value;
    }
    if (args[i].startsWith("--config=")) return args[i].slice("--config=".length);
  }
  return env.get("CONFIG_PATH") || DEFAULT_CONFIG_PATH;
}

/**
 * Reads and validates the config file.
 *
 * @param path The file's path.
 * @returns The config.
 * @throws {ConfigError} When the file cannot be read or is invalid.
 */
export async function loadConfig(path: string): Promise<Config> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound
      ? "file not found (pass --config PATH or set CONFIG_PATH)"
      : error instanceof Deno.errors.IsADirectory
      ? "is a directory, not a file"
      : `cannot be read: ${(error as Error).message}`;
    throw new ConfigError(path, [{ field: "", message: why }]);
  }
  return parseConfig(text, { source: path });
}

/** A config and the file it came from. */
export interface LoadedConfig {
  /** The validated config. */
  config: Config;
  /** The file it was read from. */
  path: string;
}

/**
 * Loads the config chosen by {@linkcode configPathFrom}; on a problem, prints it (never a stack
 * trace) and exits with status 1. For entry points only.
 *
 * @param args Command-line arguments.
 * @returns The config and the path it came from.
 */
export async function loadConfigOrExit(args: readonly string[]): Promise<LoadedConfig> {
  try {
    const path = configPathFrom(args);
    return { config: await loadConfig(path), path };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`error: ${error.message}`);
    Deno.exit(1);
  }
}

/**
 * The distinct topics the config publishes to, in order of first use.
 *
 * @param config A validated config.
 * @returns Topic names.
 */
export function topicsOf(config: Config): string[] {
  return [...new Set(config.notifications.map((rule) => rule.queue_name))];
}

/**
 * The consumer group of a rule. Each rule has its own group, so RocketMQ hands every rule its own
 * copy of each message and retries (and dead-letters) each rule's deliveries independently.
 *
 * @param config A validated config.
 * @param rule One of its rules.
 * @returns `<mq.group_name>_<rule.name>`.
 */
export function consumerGroupOf(config: Config, rule: NotificationRule): string {
  return `${config.mq.group_name}_${rule.name}`;
}

/**
 * The dead-letter topic of a rule: where RocketMQ puts the events its vendor never accepted.
 *
 * @param config A validated config.
 * @param rule One of its rules.
 * @returns `%DLQ%<consumer group>`.
 */
export function deadLetterTopicOf(config: Config, rule: NotificationRule): string {
  return `%DLQ%${consumerGroupOf(config, rule)}`;
}

/**
 * The rules that deliver events of a type.
 *
 * @param config A validated config.
 * @param eventType The event's type.
 * @returns Matching rules, in config order.
 */
export function rulesFor(config: Config, eventType: string): NotificationRule[] {
  return config.notifications.filter((rule) => rule.event_type === eventType);
}
