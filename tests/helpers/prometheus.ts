/**
 * A strict reader of the Prometheus text exposition format (0.0.4), so that tests fail on output
 * a scraper would reject: every sample must belong to a family declared by `# TYPE` before it, and
 * every line must be well-formed.
 *
 * @module
 */

/** One sample line. */
export interface Sample {
  /** Sample name, e.g. `notify_api_requests_total` or `..._bucket`. */
  name: string;
  /** Its labels. */
  labels: Record<string, string>;
  /** Its value. */
  value: number;
}

/** A parsed exposition. */
export interface Exposition {
  /** Every sample, in order. */
  samples: Sample[];
  /** Declared type of each family. */
  types: Map<string, string>;
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: -?\\d+)?$`);
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;

function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name;
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    const base = name.endsWith(suffix) ? name.slice(0, -suffix.length) : undefined;
    if (base !== undefined && ["histogram", "summary"].includes(types.get(base) ?? "")) {
      return base;
    }
  }
  return undefined;
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const start = LABEL.lastIndex;
    const match = LABEL.exec(text);
    if (match === null || match.index !== start) throw new Error(`bad labels in line: ${line}`);
    labels[match[1]] = match[2].replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    if (match[3] === "") break;
  }
  return labels;
}

/**
 * Parses an exposition, throwing on anything malformed.
 *
 * @param text The scraped body.
 * @returns Samples and family types.
 */
export function parsePrometheus(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    if (line.startsWith("# TYPE ")) {
      const [name, type, extra] = line.slice(7).split(" ");
      if (!new RegExp(`^${NAME}$`).test(name) || extra !== undefined) {
        throw new Error(`bad TYPE line: ${line}`);
      }
      if (!["counter", "gauge", "histogram", "summary", "untyped"].includes(type)) {
        throw new Error(`unknown type in line: ${line}`);
      }
      if (types.has(name)) throw new Error(`second TYPE for ${name}`);
      types.set(name, type);
      continue;
    }
    if (line.startsWith("#")) continue;
    const match = SAMPLE.exec(line);
    if (match === null) throw new Error(`malformed sample line: ${line}`);
    const [, name, labelText, valueText] = match;
    if (familyOf(name, types) === undefined) throw new Error(`sample before its TYPE: ${line}`);
    const value = valueText === "+Inf"
      ? Infinity
      : valueText === "-Inf"
      ? -Infinity
      : Number(valueText);
    if (Number.isNaN(value) && valueText !== "NaN") throw new Error(`bad value in line: ${line}`);
    samples.push({ name, labels: labelText ? parseLabels(labelText, line) : {}, value });
  }
  return { samples, types };
}

/**
 * The value of the sample with exactly these labels, if present.
 *
 * @param exposition A parsed exposition.
 * @param name The sample name.
 * @param labels Its labels (all of them).
 * @returns The value, or undefined.
 */
export function sampleValue(
  exposition: Exposition,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  return exposition.samples.find((s) =>
    s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === wanted
  )?.value;
}
