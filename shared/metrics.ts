/**
 * Prometheus metrics without a dependency: counters, gauges and histograms with labels, rendered
 * in the text exposition format (version 0.0.4) that every Prometheus-compatible scraper reads.
 *
 * @module
 */

/** Label values of one series, by label name. */
export type Labels = Record<string, string>;

/** Options shared by every metric. */
export interface MetricOptions {
  /** One line saying what it measures. */
  help: string;
  /** Label names each series must give, in order (default none). */
  labelNames?: readonly string[];
}

/** Options of a histogram. */
export interface HistogramOptions extends MetricOptions {
  /** Upper bounds of the buckets, ascending (`+Inf` is added). */
  buckets: readonly number[];
}

/** Options of a gauge. */
export interface GaugeOptions extends MetricOptions {
  /** Reads the value at scrape time (for an unlabelled gauge), instead of `set`. */
  collect?: () => number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Seconds-scale buckets from 1 ms to 10 s, for request and attempt durations. */
export const DURATION_BUCKETS: readonly number[] = [
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
];

function escapeLabelValue(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll('"', '\\"');
}

function formatNumber(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  if (Number.isNaN(value)) return "NaN";
  return String(value);
}

function labelText(names: readonly string[], values: readonly string[], extra = ""): string {
  const pairs = names.map((name, i) => `${name}="${escapeLabelValue(values[i])}"`);
  if (extra) pairs.push(extra);
  return pairs.length === 0 ? "" : `{${pairs.join(",")}}`;
}

/** Common part of all metrics: name, help, label names and the series by label values. */
export abstract class Metric<Series> {
  /** The metric's name, e.g. `notify_api_requests_total`. */
  readonly name: string;
  /** What it measures. */
  readonly help: string;
  /** The labels every series gives, in order. */
  readonly labelNames: readonly string[];
  /** The series, by their label values. */
  protected readonly series = new Map<string, { values: string[]; data: Series }>();

  /**
   * Checks and stores the name and labels.
   *
   * @param name The metric's name.
   * @param options Help text and label names.
   * @throws {Error} When the name or a label name is not allowed.
   */
  constructor(name: string, options: MetricOptions) {
    if (!NAME.test(name)) throw new Error(`invalid metric name ${JSON.stringify(name)}`);
    const labelNames = options.labelNames ?? [];
    for (const label of labelNames) {
      if (!LABEL.test(label) || label.startsWith("__") || label === "le") {
        throw new Error(`invalid label name ${JSON.stringify(label)} of metric ${name}`);
      }
    }
    this.name = name;
    this.help = options.help;
    this.labelNames = labelNames;
  }

  /** A new series' data. */
  protected abstract create(): Series;

  /**
   * Declares a series at its initial value (a count of 0, an empty histogram), so that it shows
   * before its first event.
   *
   * @param labels The series (omit for an unlabelled metric).
   */
  touch(labels?: Labels): void {
    this.at(labels);
  }

  /**
   * The series of `labels`, created on first use; labels must match `labelNames` exactly. On the
   * hot path (an existing series) this is one string join and one map lookup.
   */
  protected at(labels: Labels = {}): Series {
    let key = "";
    let complete = true;
    for (const name of this.labelNames) {
      const value = labels[name];
      if (value === undefined) {
        complete = false;
        break;
      }
      key += `${value}\u0000`;
    }
    const found = complete ? this.series.get(key) : undefined;
    if (found !== undefined && Object.keys(labels).length === this.labelNames.length) {
      return found.data;
    }
    const given = Object.keys(labels);
    if (
      given.length !== this.labelNames.length || this.labelNames.some((n) => !(n in labels))
    ) {
      throw new Error(
        `metric ${this.name} takes labels [${this.labelNames.join(", ")}], got [${
          given.join(", ")
        }]`,
      );
    }
    const entry = { values: this.labelNames.map((name) => labels[name]), data: this.create() };
    this.series.set(key, entry);
    return entry.data;
  }

  /** The metric's lines in the exposition format. */
  abstract render(): string[];

  /** The `# HELP` and `# TYPE` lines. */
  protected header(type: string): string[] {
    const help = this.help.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
    return [`# HELP ${this.name} ${help}`, `# TYPE ${this.name} ${type}`];
  }
}

/** A value that only goes up, e.g. requests served. */
export class Counter extends Metric<{ value: number }> {
  /** A new series, at 0. */
  protected create(): { value: number } {
    return { value: 0 };
  }

  /**
   * Adds to the series of `labels`.
   *
   * @param labels The series (omit for an unlabelled counter).
   * @param amount How much, at least 0 (default 1).
   */
  inc(labels?: Labels, amount = 1): void {
    if (!(amount >= 0)) throw new Error(`counter ${this.name} cannot grow by ${amount}`);
    this.at(labels).value += amount;
  }

  /** The counter's lines in the exposition format. */
  render(): string[] {
    const lines = this.header("counter");
    for (const { values, data } of this.series.values()) {
      lines.push(`${this.name}${labelText(this.labelNames, values)} ${formatNumber(data.value)}`);
    }
    return lines;
  }
}

/** A value that goes up and down, e.g. deliveries in flight. */
export class Gauge extends Metric<{ value: number }> {
  readonly #collect?: () => number;

  /**
   * Creates a gauge.
   *
   * @param name The metric's name.
   * @param options Help, labels and an optional collect function.
   * @throws {Error} When a collect function comes with labels.
   */
  constructor(name: string, options: GaugeOptions) {
    super(name, options);
    if (options.collect !== undefined && this.labelNames.length > 0) {
      throw new Error(`gauge ${name} with a collect function cannot have labels`);
    }
    this.#collect = options.collect;
  }

  /** A new series, at 0. */
  protected create(): { value: number } {
    return { value: 0 };
  }

  /** Sets the series of `labels`. */
  set(labels: Labels | undefined, value: number): void {
    this.at(labels).value = value;
  }

  /** Adds `amount` (default 1) to the series of `labels`. */
  inc(labels?: Labels, amount = 1): void {
    this.at(labels).value += amount;
  }

  /** Subtracts `amount` (default 1) from the series of `labels`. */
  dec(labels?: Labels, amount = 1): void {
    this.at(labels).value -= amount;
  }

  /** The gauge's lines in the exposition format. */
  render(): string[] {
    const lines = this.header("gauge");
    if (this.#collect !== undefined) {
      lines.push(`${this.name} ${formatNumber(this.#collect())}`);
      return lines;
    }
    for (const { values, data } of this.series.values()) {
      lines.push(`${this.name}${labelText(this.labelNames, values)} ${formatNumber(data.value)}`);
    }
    return lines;
  }
}

/** One histogram series: counts per bucket, sum and count of the observations. */
export interface HistogramData {
  /** Observations at or below each bucket's bound. */
  counts: number[];
  /** Sum of all observations. */
  sum: number;
  /** Number of observations. */
  count: number;
}

/** Observations counted into buckets, e.g. request durations in seconds. */
export class Histogram extends Metric<HistogramData> {
  /** Upper bounds of the buckets, ascending (`+Inf` is implied). */
  readonly buckets: readonly number[];

  /**
   * Creates a histogram.
   *
   * @param name The metric's name.
   * @param options Help, labels and buckets.
   * @throws {Error} When the buckets are empty or not ascending.
   */
  constructor(name: string, options: HistogramOptions) {
    super(name, options);
    const sorted = options.buckets.every((b, i, all) => i === 0 || all[i - 1] < b);
    if (options.buckets.length === 0 || !sorted) {
      throw new Error(`histogram ${name} needs ascending buckets`);
    }
    this.buckets = options.buckets;
  }

  /** A new series, empty. */
  protected create(): HistogramData {
    return { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
  }

  /**
   * Records one observation.
   *
   * @param labels The series (omit for an unlabelled histogram).
   * @param value The observed value, e.g. seconds.
   */
  observe(labels: Labels | undefined, value: number): void {
    const data = this.at(labels);
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= this.buckets[i]) data.counts[i]++;
    }
    data.sum += value;
    data.count++;
  }

  /** The histogram's lines in the exposition format: buckets, sum and count per series. */
  render(): string[] {
    const lines = this.header("histogram");
    for (const { values, data } of this.series.values()) {
      this.buckets.forEach((bound, i) => {
        const labels = labelText(this.labelNames, values, `le="${formatNumber(bound)}"`);
        lines.push(`${this.name}_bucket${labels} ${data.counts[i]}`);
      });
      lines.push(
        `${this.name}_bucket${labelText(this.labelNames, values, 'le="+Inf"')} ${data.count}`,
      );
      lines.push(`${this.name}_sum${labelText(this.labelNames, values)} ${formatNumber(data.sum)}`);
      lines.push(`${this.name}_count${labelText(this.labelNames, values)} ${data.count}`);
    }
    return lines;
  }
}

/** The metrics of one process. */
export class Registry {
  readonly #metrics = new Map<string, Metric<unknown>>();

  #add<M extends Metric<unknown>>(metric: M): M {
    if (this.#metrics.has(metric.name)) throw new Error(`metric ${metric.name} exists already`);
    this.#metrics.set(metric.name, metric);
    return metric;
  }

  /** Registers a counter; its name should end in `_total`. */
  counter(name: string, options: MetricOptions): Counter {
    return this.#add(new Counter(name, options));
  }

  /** Registers a gauge. */
  gauge(name: string, options: GaugeOptions): Gauge {
    return this.#add(new Gauge(name, options));
  }

  /** Registers a histogram. */
  histogram(name: string, options: HistogramOptions): Histogram {
    return this.#add(new Histogram(name, options));
  }

  /** Every metric in the text exposition format, in registration order. */
  render(): string {
    return [...this.#metrics.values()].flatMap((m) => m.render()).join("\n") + "\n";
  }
}

/** Content type of the text exposition format. */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** The memory gauges of {@linkcode registerProcessMetrics}: name, help and the figure shown. */
const MEMORY_GAUGES: readonly [string, string, keyof Deno.MemoryUsage][] = [
  ["process_resident_memory_bytes", "Resident memory size in bytes.", "rss"],
  ["process_heap_used_bytes", "V8 heap in use, in bytes.", "heapUsed"],
  [
    "process_heap_total_bytes",
    "V8 heap reserved from the system (used and free), in bytes.",
    "heapTotal",
  ],
  [
    "process_external_memory_bytes",
    "Memory of buffers and other objects held outside the V8 heap, in bytes.",
    "external",
  ],
];

/**
 * Registers the process metrics every service exposes: resident memory, V8 heap and start time.
 *
 * @param registry Where to register them.
 */
export function registerProcessMetrics(registry: Registry): void {
  const started = Date.now() / 1000;
  for (const [name, help, field] of MEMORY_GAUGES) {
    registry.gauge(name, { help, collect: () => Deno.memoryUsage()[field] });
  }
  registry.gauge("process_start_time_seconds", {
    help: "Start time of the process since the Unix epoch, in seconds.",
    collect: () => started,
  });
}

/**
 * Answers a scrape.
 *
 * @param registry The metrics to expose.
 * @returns A 200 response in the text exposition format.
 */
export function metricsResponse(registry: Registry): Response {
  return new Response(registry.render(), { headers: { "content-type": METRICS_CONTENT_TYPE } });
}
