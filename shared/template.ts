/**
 * JSONPath templates: strings with `{$.path}` placeholders, and JSON values whose strings are such
 * templates. Templates are parsed once (at config load) and rendered many times, against a root
 * object, without ever evaluating code: filter and script expressions are rejected at parse time,
 * and wildcard paths are evaluated by jsonpath-plus with its evaluator disabled.
 *
 * Rules, all covered by `tests/unit/template_test.ts`:
 * - `{$...}` starts a placeholder that ends at the matching `}`; `{{$` stands for a literal `{$`.
 *   Any other `{` or `}` is literal text.
 * - A path is `$` followed by `.name`, `['name']`, `["name"]`, `[0]`, `.*`, `[*]` or `..name`.
 *   Paths made only of names and indexes are *definite*: they select at most one value, and
 *   selecting nothing is a render error. Paths with `*` or `..` are *indefinite*: they always
 *   yield an array of every match (possibly empty).
 * - A string that is exactly one placeholder takes the selected value with its JSON type. A
 *   placeholder inside longer text is interpolated as text: strings as they are, everything else
 *   as JSON text.
 *
 * @module
 */

import { JSONPath } from "jsonpath-plus";

/** Any JSON value. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** One step of a parsed path. */
export type PathSegment =
  | { kind: "name"; name: string }
  | { kind: "index"; index: number }
  | { kind: "wildcard" }
  | { kind: "descendant" };

/** A parsed `{$...}` placeholder. */
export interface Placeholder {
  /** The placeholder as written, braces included, e.g. `{$.event.user_id}`. */
  source: string;
  /** The path's steps after `$`. */
  segments: PathSegment[];
  /** True when the path selects at most one value (no `*`, no `..`). */
  definite: boolean;
}

/** A parsed string template: literal text and placeholders, in order. */
export interface StringTemplate {
  /** The template as written. */
  source: string;
  /** Literal text and placeholders; adjacent literals are merged. */
  parts: (string | Placeholder)[];
}

/** A parsed JSON value template. */
export type ValueTemplate =
  | { kind: "literal"; value: JsonValue }
  | { kind: "string"; template: StringTemplate }
  | { kind: "array"; items: ValueTemplate[] }
  | { kind: "object"; entries: [string, ValueTemplate][] };

/** A template that cannot be parsed; `path` locates the string inside a value template. */
export class TemplateSyntaxError extends Error {
  /** Location of the faulty string inside the value template (empty for a string template). */
  path: (string | number)[];

  /**
   * @param message Lowercase description naming the faulty placeholder.
   * @param path Location inside a value template.
   */
  constructor(message: string, path: (string | number)[] = []) {
    super(message);
    this.name = "TemplateSyntaxError";
    this.path = path;
  }
}

/** A template that cannot be rendered for a given root, e.g. a definite path that selects nothing. */
export class RenderError extends Error {
  /**
   * @param message Lowercase description naming the placeholder.
   */
  constructor(message: string) {
    super(message);
    this.name = "RenderError";
  }
}

const NAME_CHAR = /[A-Za-z0-9_-]/;
/** Names jsonpath-plus would read as operators; refused in paths it evaluates. */
const JSONPATH_OPERATOR = /^[@(?~^$`]|^\*$|^\.\.$|^$/;

/**
 * Parses the path of a placeholder, starting at the `$` at `start` in `text`, and stopping before
 * the closing `}`.
 */
function parsePath(text: string, start: number): { segments: PathSegment[]; end: number } {
  const segments: PathSegment[] = [];
  let i = start + 1; // skip "$"
  const fail = (why: string): never => {
    throw new TemplateSyntaxError(`${why} in placeholder starting ${excerpt(text, start - 1)}`);
  };
  while (i < text.length && text[i] !== "}") {
    const c = text[i];
    if (c === ".") {
      if (text[i + 1] === ".") {
        segments.push({ kind: "descendant" });
        i += 2;
        if (text[i] === "[") continue;
      } else {
        i += 1;
      }
      if (text[i] === "*") {
        segments.push({ kind: "wildcard" });
        i += 1;
        continue;
      }
      const from = i;
      while (i < text.length && NAME_CHAR.test(text[i])) i += 1;
      if (i === from) fail(`expected a name after "."`);
      segments.push({ kind: "name", name: text.slice(from, i) });
    } else if (c === "[") {
      i += 1;
      const q = text[i];
      if (q === "'" || q === '"') {
        let name = "";
        i += 1;
        while (i < text.length && text[i] !== q) {
          if (text[i] === "\\" && i + 1 < text.length) i += 1;
          name += text[i];
          i += 1;
        }
        if (i >= text.length) fail(`unterminated quoted name`);
        i += 1;
        segments.push({ kind: "name", name });
      } else if (q === "*") {
        i += 1;
        segments.push({ kind: "wildcard" });
      } else if (q !== undefined && /[0-9]/.test(q)) {
        const from = i;
        while (i < text.length && /[0-9]/.test(text[i])) i += 1;
        segments.push({ kind: "index", index: Number(text.slice(from, i)) });
      } else if (q === "?" || q === "(") {
        fail(`filter and script expressions are not supported`);
      } else {
        fail(`expected a quoted name, an index or "*" after "["`);
      }
      if (text[i] !== "]") fail(`expected "]"`);
      i += 1;
    } else {
      fail(`unexpected ${JSON.stringify(c)}`);
    }
  }
  if (i >= text.length) fail(`missing "}"`);
  if (segments.at(-1)?.kind === "descendant") fail(`expected a name after ".."`);
  if (segments.some((s) => s.kind === "wildcard" || s.kind === "descendant")) {
    const operator = segments.find((s) => s.kind === "name" && JSONPATH_OPERATOR.test(s.name));
    if (operator?.kind === "name") {
      fail(`the name ${JSON.stringify(operator.name)} cannot be used in a path with * or ..`);
    }
  }
  return { segments, end: i };
}

function excerpt(text: string, at: number): string {
  const piece = text.slice(at, at + 40);
  return `${JSON.stringify(piece)}${at + 40 < text.length ? "..." : ""} (offset ${at})`;
}

/**
 * Parses a string template.
 *
 * @param source The template text, e.g. `https://x.test/users/{$.event.user_id}`.
 * @returns The parsed template.
 * @throws {TemplateSyntaxError} When a placeholder is malformed.
 */
export function parseStringTemplate(source: string): StringTemplate {
  const parts: (string | Placeholder)[] = [];
  let literal = "";
  let i = 0;
  while (i < source.length) {
    if (source.startsWith("{{$", i)) {
      literal += "{$";
      i += 3;
    } else if (source.startsWith("{$", i)) {
      const { segments, end } = parsePath(source, i + 1);
      if (literal !== "") parts.push(literal);
      literal = "";
      parts.push({
        source: source.slice(i, end + 1),
        segments,
        definite: segments.every((s) => s.kind === "name" || s.kind === "index"),
      });
      i = end + 1;
    } else {
      literal += source[i];
      i += 1;
    }
  }
  if (literal !== "" || parts.length === 0) parts.push(literal);
  return { source, parts };
}

/**
 * Parses a JSON value whose strings (at any depth, object keys excepted) are templates.
 *
 * @param value A JSON value, e.g. a notification rule's `body`.
 * @returns The parsed template.
 * @throws {TemplateSyntaxError} With `path` set to the faulty string's location.
 */
export function parseValueTemplate(value: JsonValue): ValueTemplate {
  return parseValueAt(value, []);
}

function parseValueAt(value: JsonValue, path: (string | number)[]): ValueTemplate {
  if (typeof value === "string") {
    try {
      return { kind: "string", template: parseStringTemplate(value) };
    } catch (error) {
      if (error instanceof TemplateSyntaxError) {
        throw new TemplateSyntaxError(error.message, path);
      }
      throw error;
    }
  }
  if (Array.isArray(value)) {
    return { kind: "array", items: value.map((item, i) => parseValueAt(item, [...path, i])) };
  }
  if (value !== null && typeof value === "object") {
    return {
      kind: "object",
      entries: Object.entries(value).map(([k, v]) => [k, parseValueAt(v, [...path, k])]),
    };
  }
  return { kind: "literal", value };
}

/** True when the template is exactly one placeholder, so it renders to a typed value. */
function solePlaceholder(template: StringTemplate): Placeholder | undefined {
  const [only] = template.parts;
  return template.parts.length === 1 && typeof only !== "string" ? only : undefined;
}

/**
 * Selects the value(s) a placeholder's path names in `root`.
 *
 * @param placeholder A parsed placeholder.
 * @param root The object `$` stands for.
 * @returns The single value of a definite path, or the array of matches of an indefinite one.
 * @throws {RenderError} When a definite path selects nothing.
 */
export function resolvePlaceholder(placeholder: Placeholder, root: JsonValue): JsonValue {
  if (!placeholder.definite) {
    const path = ["$", ...placeholder.segments.map(jsonPathStep)];
    try {
      const matches: unknown = JSONPath({ path, json: root, wrap: true, eval: false });
      return matches as JsonValue[];
    } catch (error) {
      throw new RenderError(`cannot evaluate ${placeholder.source}: ${(error as Error).message}`);
    }
  }
  let current: JsonValue = root;
  for (const segment of placeholder.segments) {
    const next = step(current, segment);
    if (next === undefined) throw new RenderError(`no value at ${placeholder.source}`);
    current = next;
  }
  return current;
}

function step(value: JsonValue, segment: PathSegment): JsonValue | undefined {
  if (segment.kind === "index") {
    return Array.isArray(value) ? value[segment.index] : undefined;
  }
  if (segment.kind === "name" && value !== null && typeof value === "object") {
    if (Array.isArray(value)) return undefined;
    return Object.hasOwn(value, segment.name) ? value[segment.name] : undefined;
  }
  return undefined;
}

function jsonPathStep(segment: PathSegment): string {
  switch (segment.kind) {
    case "name":
      return segment.name;
    case "index":
      return String(segment.index);
    case "wildcard":
      return "*";
    case "descendant":
      return "..";
  }
}

/**
 * Formats a selected value for interpolation into text: strings as they are, anything else as
 * JSON text.
 *
 * @param value A JSON value.
 * @returns Its text form.
 */
export function textOf(value: JsonValue): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Options for {@linkcode renderString}. */
export interface RenderStringOptions {
  /** Applied to each placeholder's text (not to literal text), e.g. `encodeURIComponent`. */
  encode?: (text: string) => string;
}

/**
 * Renders a string template to text.
 *
 * @param template A parsed string template.
 * @param root The object `$` stands for.
 * @param options Encoding of placeholder values.
 * @returns The text.
 * @throws {RenderError} When a definite path selects nothing.
 */
export function renderString(
  template: StringTemplate,
  root: JsonValue,
  options: RenderStringOptions = {},
): string {
  const encode = options.encode ?? ((text: string) => text);
  let out = "";
  for (const part of template.parts) {
    out += typeof part === "string" ? part : encode(textOf(resolvePlaceholder(part, root)));
  }
  return out;
}

/**
 * Renders a value template: a string that is exactly one placeholder keeps the selected value's
 * type, other strings are rendered as text, literals are copied.
 *
 * @param template A parsed value template.
 * @param root The object `$` stands for.
 * @returns The rendered JSON value.
 * @throws {RenderError} When a definite path selects nothing.
 */
export function renderValue(template: ValueTemplate, root: JsonValue): JsonValue {
  switch (template.kind) {
    case "literal":
      return template.value;
    case "string": {
      const only = solePlaceholder(template.template);
      return only ? resolvePlaceholder(only, root) : renderString(template.template, root);
    }
    case "array":
      return template.items.map((item) => renderValue(item, root));
    case "object": {
      const out: { [key: string]: JsonValue } = {};
      for (const [key, value] of template.entries) {
        Object.defineProperty(out, key, {
          value: renderValue(value, root),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
  }
}
