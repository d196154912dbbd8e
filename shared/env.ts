/**
 * Reading operational settings from environment variables, with a precise error for a bad one.
 *
 * @module
 */

/** Reads environment variables; `Deno.env` fits. */
export interface EnvReader {
  /** The variable's value, or undefined when unset. */
  get(name: string): string | undefined;
}

/** Bounds and default of an integer variable. */
export interface IntegerVar {
  /** Smallest allowed value. */
  min: number;
  /** Largest allowed value. */
  max: number;
  /** Value when the variable is unset or empty. */
  fallback: number;
}

/**
 * Reads an integer variable.
 *
 * @param env The environment.
 * @param name The variable's name.
 * @param spec Bounds and default.
 * @returns The value.
 * @throws {Error} E.g. `invalid environment: PORT: must be an integer from 0 to 65535, got "x"`.
 */
export function integerFromEnv(env: EnvReader, name: string, spec: IntegerVar): number {
  const value = env.get(name);
  if (value === undefined || value.trim() === "") return spec.fallback;
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < spec.min || n > spec.max) {
    throw new Error(
      `invalid environment: ${name}: must be an integer from ${spec.min} to ${spec.max}, got ${
        JSON.stringify(value)
      }`,
    );
  }
  return n;
}
