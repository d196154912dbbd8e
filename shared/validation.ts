/**
 * Turns zod validation failures into precise, user-facing problems: which field, why, and what
 * was given. Shared by the config loader, the API's request validation and the worker's message
 * validation so that every edge reports problems the same way.
 *
 * @module
 */

import type { z } from "zod";

/** One validation problem: the dotted path of the offending field and what is wrong with it. */
export interface Problem {
  /** Path of the field, e.g. `notifications[1].http_url`; empty for the document itself. */
  field: string;
  /** Lowercase description of the problem, naming the offending value where there is one. */
  message: string;
}

/**
 * Formats a field path the way a person would write it in JavaScript: `a.b[0]["x-y"]`.
 *
 * @param path The path segments, as zod reports them.
 * @param prefix A path to put in front, e.g. `notifications[0]`.
 * @returns The formatted path.
 */
export function formatPath(path: readonly PropertyKey[], prefix = ""): string {
  let out = prefix;
  for (const segment of path) {
    if (typeof segment === "number") {
      out += `[${segment}]`;
    } else {
      const key = String(segment);
      out += /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)
        ? (out === "" ? key : `.${key}`)
        : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/**
 * Describes a value briefly for an error message: strings are quoted and cut to a readable
 * length, other values are named by their JSON type.
 *
 * @param value Any value.
 * @returns A short description such as `"ftp://x"`, `number 3` or `array`.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  }
  if (typeof value === "number" || typeof value === "boolean") {
    return `${typeof value} ${value}`;
  }
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function expectedName(expected: string): string {
  switch (expected) {
    case "record":
      return "object";
    case "int":
      return "integer";
    default:
      return expected;
  }
}

/**
 * Converts one zod issue into a {@linkcode Problem}. Parse with `{ reportInput: true }` so that
 * the offending value can be named.
 *
 * @param issue A zod issue.
 * @param prefix A path to put in front of the issue's own path.
 * @returns The problem, with a lowercase message.
 */
export function problemFromIssue(issue: z.core.$ZodIssue, prefix = ""): Problem {
  const input = (issue as { input?: unknown }).input;
  let field = formatPath(issue.path, prefix);
  let message: string;
  switch (issue.code) {
    case "invalid_type":
      message = input === undefined
        ? "is required"
        : `must be ${article(expectedName(issue.expected))}, got ${
          issue.expected === "int" ? describeValue(input) : jsonTypeOf(input)
        }`;
      break;
    case "unrecognized_keys": {
      const keys = issue.keys.map((k) => JSON.stringify(k)).join(", ");
      message = `unknown key${issue.keys.length > 1 ? "s" : ""} ${keys}`;
      break;
    }
    case "invalid_value":
      message = `must be one of ${issue.values.map((v) => String(v)).join(", ")}, got ${
        describeValue(input)
      }`;
      break;
    case "custom":
      message = lowerFirst(issue.message);
      break;
    case "too_small":
    case "too_big":
      message = sizeMessage(issue, input);
      break;
    default:
      message = `${lowerFirst(issue.message)}${
        input === undefined || typeof input === "object" ? "" : `, got ${describeValue(input)}`
      }`;
  }
  if (field === "") field = prefix;
  return { field, message };
}

function sizeMessage(
  issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall,
  input: unknown,
): string {
  const small = issue.code === "too_small";
  const limit = small
    ? (issue as z.core.$ZodIssueTooSmall).minimum
    : (issue as z.core.$ZodIssueTooBig).maximum;
  const inclusive = issue.inclusive !== false;
  if (issue.origin === "string") {
    return `must be ${small ? "at least" : "at most"} ${limit} characters long, got ${
      describeValue(input)
    }`;
  }
  if (issue.origin === "array" || issue.origin === "set") {
    return limit === 1 && small
      ? "must not be empty"
      : `must have ${small ? "at least" : "at most"} ${limit} items`;
  }
  const relation = small
    ? (inclusive ? "at least" : "greater than")
    : inclusive
    ? "at most"
    : "less than";
  return `must be ${relation} ${limit}, got ${describeValue(input)}`;
}

function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/**
 * Converts all issues of a zod error into problems.
 *
 * @param error The error returned by `safeParse`.
 * @param prefix A path to put in front of every issue's path.
 * @returns One problem per issue, in zod's order.
 */
export function problemsFromZod(error: z.ZodError, prefix = ""): Problem[] {
  return error.issues.map((issue) => problemFromIssue(issue, prefix));
}

/**
 * Renders a problem as one line, `field: message` (or just the message for the whole document).
 *
 * @param problem The problem.
 * @returns The line.
 */
export function formatProblem(problem: Problem): string {
  return problem.field === "" ? problem.message : `${problem.field}: ${problem.message}`;
}

/**
 * Describes a `JSON.parse` failure with the line and column where the text went wrong, when the
 * engine says (or, for text that ends too early, at its end).
 *
 * @param text The text that failed to parse.
 * @param error What `JSON.parse` threw.
 * @returns E.g. `invalid JSON at line 4, column 24: expected double-quoted property name`.
 */
export function jsonSyntaxMessage(text: string, error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  let at: { line: number; column: number } | undefined;
  const lineColumn = /\(line (\d+) column (\d+)\)/.exec(raw);
  const position = /at position (\d+)/.exec(raw);
  if (lineColumn) {
    at = { line: Number(lineColumn[1]), column: Number(lineColumn[2]) };
  } else if (position || /end of JSON input/.test(raw)) {
    const before = text.slice(0, position ? Number(position[1]) : text.length).split("\n");
    at = { line: before.length, column: before[before.length - 1].length + 1 };
  }
  const reason = lowerFirst(
    raw
      .replace(/\s*\(line \d+ column \d+\)/, "")
      .replace(/\s*(?:in|after) JSON at position \d+/, "")
      .replace(/, "[\s\S]*" is not valid JSON$/, ""),
  );
  return at
    ? `invalid JSON at line ${at.line}, column ${at.column}: ${reason}`
    : `invalid JSON: ${reason}`;
}

/** Deepest nesting of arrays and objects accepted in events and config. */
export const MAX_JSON_DEPTH = 64;

/**
 * Checks what schemas cannot check safely on parsed JSON: nesting depth (deep documents would
 * exhaust the stack of recursive validators) and `__proto__` keys (object copies would drop
 * them or change a prototype instead of keeping data).
 *
 * @param value Parsed JSON.
 * @param maxDepth Deepest nesting allowed (default {@linkcode MAX_JSON_DEPTH}).
 * @returns The first problem found, or undefined.
 */
export function jsonShapeProblem(
  value: unknown,
  maxDepth: number = MAX_JSON_DEPTH,
): Problem | undefined {
  const stack: [unknown, number, PropertyKey[]][] = [[value, 0, []]];
  while (stack.length > 0) {
    const [node, depth, path] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (depth >= maxDepth) {
      return { field: formatPath(path), message: `nests deeper than ${maxDepth} levels` };
    }
    for (const key of Object.keys(node)) {
      const childPath = [...path, Array.isArray(node) ? Number(key) : key];
      if (key === "__proto__") {
        return { field: formatPath(childPath), message: 'the key "__proto__" is not allowed' };
      }
      stack.push([(node as Record<string, unknown>)[key], depth + 1, childPath]);
    }
  }
  return undefined;
}
