/**
 * `${NAME}` references to environment variables in config strings, so that secrets (ACL keys,
 * vendor tokens) live in the environment, not in config.json. `$${` writes a literal `${`, and
 * a `${` not followed by a name character (as in `${$.event.price}`) is literal too.
 *
 * @module
 */

import type { EnvReader } from "./env.ts";
import { formatPath, type Problem } from "./validation.ts";

/** One reference that was replaced. */
export interface ReferenceUse {
  /** Where in the document, as path segments. */
  path: (string | number)[];
  /** The variable's name. */
  name: string;
  /** Its value. */
  value: string;
}

/** The document with every reference replaced, or the problems that prevented it. */
export interface ResolvedReferences {
  /** A copy of the document with references replaced (the input is not modified). */
  value: unknown;
  /** Every replacement made. */
  uses: ReferenceUse[];
  /** Unset variables and malformed references, by field. */
  problems: Problem[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function resolveString(
  text: string,
  path: (string | number)[],
  env: EnvReader,
  result: ResolvedReferences,
): string {
  if (!text.includes("$")) return text;
  let out = "";
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("$${", i)) {
      out += "${";
      i += 3;
      continue;
    }
    // `${` starts a reference only before a name character, so `${$.event.x}` stays literal
    if (!text.startsWith("${", i) || !/[A-Za-z0-9_]/.test(text[i + 2] ?? "")) {
      out += text[i++];
      continue;
    }
    const end = text.indexOf("}", i + 2);
    const field = formatPath(path);
    if (end === -1) {
      result.problems.push({
        field,
        message: `unterminated environment reference at offset ${i}: write \${NAME}, or $\${ ` +
          "for a literal ${",
      });
      return text;
    }
    const name = text.slice(i + 2, end);
    if (!NAME.test(name)) {
      result.problems.push({
        field,
        message: `${JSON.stringify(`\${${name}}`)} is not an environment reference: names are ` +
          "letters, digits and _, not starting with a digit (write $${ for a literal ${)",
      });
      return text;
    }
    const value = env.get(name);
    if (value === undefined) {
      result.problems.push({ field, message: `environment variable ${name} is not set` });
      return text;
    }
    result.uses.push({ path, name, value });
    out += value;
    i = end + 1;
  }
  return out;
}

function walk(
  value: unknown,
  path: (string | number)[],
  env: EnvReader,
  result: ResolvedReferences,
): unknown {
  if (typeof value === "string") return resolveString(value, path, env, result);
  if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i], env, result));
  if (value !== null && typeof value === "object") {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[key] = walk(item, [...path, key], env, result);
    }
    return copy;
  }
  return value;
}

/**
 * Replaces `${NAME}` in every string of a parsed JSON document (object keys excepted) with the
 * environment variable's value.
 *
 * @param document The parsed JSON.
 * @param env Where variables come from.
 * @returns The resolved copy, the replacements and any problems.
 */
export function resolveEnvReferences(document: unknown, env: EnvReader): ResolvedReferences {
  const result: ResolvedReferences = { value: undefined, uses: [], problems: [] };
  result.value = walk(document, [], env, result);
  return result;
}
