/**
 * A fixed environment for tests of code that reads variables through an `EnvReader`.
 *
 * @module
 */

import type { EnvReader } from "../../shared/env.ts";

/**
 * An environment holding exactly `vars`.
 *
 * @param vars Variable names to values.
 * @returns A reader of them.
 */
export function envOf(vars: Record<string, string>): EnvReader {
  return { get: (name) => vars[name] };
}
