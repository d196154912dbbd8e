/**
 * Running a service's `main`: its exit code becomes the process's, and a failure nobody expected
 * still ends in one sentence rather than a stack trace (`LOG_LEVEL=debug` adds the trace).
 *
 * @module
 */

/**
 * Runs `main` and exits with its code, or with 1 after printing an unexpected failure.
 *
 * @param main The service's main function, resolving to an exit code.
 */
export async function runMain(main: () => Promise<number>): Promise<never> {
  try {
    Deno.exit(await main());
  } catch (error) {
    console.error(`error: unexpected failure: ${(error as Error)?.message ?? error}`);
    if (Deno.env.get("LOG_LEVEL") === "debug") console.error(error);
    Deno.exit(1);
  }
}
