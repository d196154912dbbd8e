/**
 * The RocketMQ clients notify uses, with workarounds for two defects of rocketmq-client-nodejs
 * 1.0.8 that cannot be configured away:
 *
 * - Startup can hang forever: `startup()` installs its wait for the proxy's first settings
 *   command only after fetching routes, and when the settings arrive first (a warm proxy answers
 *   within milliseconds) nothing resolves the wait. These clients remember the last settings and
 *   {@linkcode startClient} replays them while startup is pending, which resolves the wait.
 * - The push consumer's consume service ignores the `logger` option and writes its own log file
 *   under `$HOME/logs/rocketmq`; see {@linkcode NotifyPushConsumer}.
 * - The push consumer's exponential retry policy takes the group's backoff in whole seconds and
 *   then uses it as milliseconds (1 s becomes 1 ms), so failed messages come back at once instead
 *   of after the backoff. {@linkcode NotifyPushConsumer} computes the delays from the config's
 *   `mq.retry_backoff` (the same values provisioning gives the group) in milliseconds.
 *
 * @module
 */

import {
  type ConsumeService,
  type Endpoints,
  type ILogger,
  type MessageQueue,
  type MessageView,
  Producer,
  type ProducerOptions,
  PushConsumer,
  type PushConsumerOptions,
  type RetryPolicy,
  SimpleConsumer,
  type SimpleConsumerOptions,
} from "rocketmq-client-nodejs";

/** The settings message type the client passes to `onSettingsCommand`. */
type SettingsCommand = Parameters<Producer["onSettingsCommand"]>[1];

/** A client that can replay the proxy's last settings command. */
export interface SettingsReplayable {
  /** Hands the last settings received to the client again; no-op before any arrived. */
  replaySettings(): void;
}

/** A producer whose startup cannot hang on the settings race. */
export class NotifyProducer extends Producer implements SettingsReplayable {
  #last?: [Endpoints, SettingsCommand];

  /** @param options Producer options. */
  constructor(options: ProducerOptions) {
    super(options);
  }

  override onSettingsCommand(endpoints: Endpoints, settings: SettingsCommand): void {
    this.#last = [endpoints, settings];
    super.onSettingsCommand(endpoints, settings);
  }

  /** Hands the last settings received to the client again. */
  replaySettings(): void {
    if (this.#last) super.onSettingsCommand(...this.#last);
  }
}

/** An exponential backoff, in milliseconds. */
export interface Backoff {
  /** Delay before the first redelivery. */
  initial_ms: number;
  /** Longest delay. */
  max_ms: number;
  /** Growth per attempt. */
  multiplier: number;
}

/**
 * Wraps the retry policy the proxy sent, keeping its attempt limit and computing each delay in
 * milliseconds from `backoff`.
 *
 * @param policy The policy from the proxy's settings.
 * @param backoff The group's backoff, as configured.
 * @returns The corrected policy.
 */
export function millisecondRetryPolicy(policy: RetryPolicy, backoff: Backoff): RetryPolicy {
  return {
    getMaxAttempts: () => policy.getMaxAttempts(),
    getNextAttemptDelay(attempt: number): number {
      const delay = backoff.initial_ms * Math.pow(backoff.multiplier, Math.max(0, attempt - 1));
      return Math.min(Math.round(delay), backoff.max_ms);
    },
    inheritBackoff: (protobuf) => millisecondRetryPolicy(policy.inheritBackoff(protobuf), backoff),
    toProtobuf: () => policy.toProtobuf(),
  };
}

/** A simple consumer whose startup cannot hang on the settings race. */
export class NotifySimpleConsumer extends SimpleConsumer implements SettingsReplayable {
  #last?: [Endpoints, SettingsCommand];

  /** @param options Simple consumer options. */
  constructor(options: SimpleConsumerOptions) {
    super(options);
  }

  override onSettingsCommand(endpoints: Endpoints, settings: SettingsCommand): void {
    this.#last = [endpoints, settings];
    super.onSettingsCommand(endpoints, settings);
  }

  /** Hands the last settings received to the client again. */
  replaySettings(): void {
    if (this.#last) super.onSettingsCommand(...this.#last);
  }
}

/**
 * A push consumer whose startup cannot hang on the settings race, and whose consume service logs
 * through our logger: the service is built while `HOME` points at a scratch folder (removed at
 * shutdown), so the file it opens lands there, and its logger is then replaced by ours.
 */
export class NotifyPushConsumer extends PushConsumer implements SettingsReplayable {
  readonly #logger: ILogger;
  readonly #backoff?: Backoff;
  #last?: [Endpoints, SettingsCommand];
  #scratch?: string;
  readonly #receiveFailure = Promise.withResolvers<unknown>();

  /**
   * @param options Push consumer options; `logger` is required, and `backoff` (the group's
   * configured backoff) replaces the client's miscomputed redelivery delays.
   */
  constructor(options: PushConsumerOptions & { logger: ILogger; backoff?: Backoff }) {
    super(options);
    this.#logger = options.logger;
    this.#backoff = options.backoff;
  }

  override getRetryPolicy(): RetryPolicy | undefined {
    const policy = super.getRetryPolicy();
    return policy && this.#backoff ? millisecondRetryPolicy(policy, this.#backoff) : policy;
  }

  override onSettingsCommand(endpoints: Endpoints, settings: SettingsCommand): void {
    this.#last = [endpoints, settings];
    super.onSettingsCommand(endpoints, settings);
  }

  /** Hands the last settings received to the client again. */
  replaySettings(): void {
    if (this.#last) super.onSettingsCommand(...this.#last);
  }

  override async receiveMessage(
    request: Parameters<PushConsumer["receiveMessage"]>[0],
    mq: MessageQueue,
    awaitDuration: number,
  ): Promise<MessageView[]> {
    try {
      return await super.receiveMessage(request, mq, awaitDuration);
    } catch (error) {
      this.#receiveFailure.resolve(error);
      throw error;
    }
  }

  /**
   * The first error a receive request failed with, if one fails within `ms`. A consumer group
   * that does not exist only shows this way: startup succeeds, then every receive fails.
   *
   * @param ms How long to wait.
   * @returns The error, or undefined when none came.
   */
  async firstReceiveError(ms: number): Promise<unknown> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const none = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ms);
    });
    try {
      return await Promise.race([this.#receiveFailure.promise, none]);
    } finally {
      clearTimeout(timer);
    }
  }

  protected override createConsumeService(): ConsumeService {
    const home = Deno.env.get("HOME");
    this.#scratch ??= Deno.makeTempDirSync({ prefix: "notify-rocketmq-" });
    let service: ConsumeService;
    try {
      Deno.env.set("HOME", this.#scratch);
      service = super.createConsumeService();
    } finally {
      if (home === undefined) Deno.env.delete("HOME");
      else Deno.env.set("HOME", home);
    }
    (service as ConsumeService & { logger?: ILogger }).logger = this.#logger;
    return service;
  }

  override async shutdown(): Promise<void> {
    await super.shutdown();
    if (this.#scratch) await Deno.remove(this.#scratch, { recursive: true }).catch(() => {});
  }
}
