/**
 * What both services do before and around their own work: load the config, set up logging with
 * the config's secrets hidden, and turn the exit code of `main` into the process's. Failures end
 * in one sentence (a JSON record with `LOG_FORMAT=json`), never a stack trace (`LOG_LEVEL=debug`
 * adds the trace for unexpected ones).
 *
 * @module
 */

import { type Config, ConfigError, configPathFrom, loadConfig } from "./config.ts";
import { createLogger, type Logger, logSettingsFrom } from "./log.ts";

/** The running service's logger, once set up, so that an unexpected failure goes through it. */
let serviceLogger: Logger | undefined;

/** A service's config and logger. */
export interface ServiceSetup {
  /** The validated config. */
  config: Config;
  /** The file it came from. */
  path: string;
  /** The service's logger, honouring `LOG_LEVEL`/`LOG_FORMAT` and hiding the config's secrets. */
  logger: Logger;
}

/**
 * Prints a fatal problem the way the service logs: `error: <message>` on stderr in text format,
 * an error record in JSON format.
 *
 * @param logger The service's logger.
 * @param message One sentence, lowercase.
 * @returns 1, the exit code for it.
 */
export function reportFatal(logger: Logger, message: string): number {
  logger.fatal(message);
  return 1;
}

/**
 * Reads the logging settings and the config named by the arguments (`--config PATH`, else
 * `CONFIG_PATH`, else `./config.json`).
 *
 * @param name The service, e.g. `api`; names its logger.
 * @param args Command-line arguments.
 * @returns The config and logger, or undefined after printing why the service cannot start.
 */
export async function setUpService(
  name: string,
  args: readonly string[],
): Promise<ServiceSetup | undefined> {
  let settings;
  try {
    settings = logSettingsFrom(Deno.env);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return undefined;
  }
  const early = createLogger(name, settings);
  try {
    const path = configPathFrom(args);
    const config = await loadConfig(path);
    serviceLogger = createLogger(name, { ...settings, secrets: config.secrets });
    return { config, path, logger: serviceLogger };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    reportFatal(early, error.message);
    return undefined;
  }
}

/**
 * Runs `main` and exits with its code, or with 1 after printing an unexpected failure through the
 * service's logger (so in its format and without its secrets; the stack at debug level).
 *
 * @param main The service's main function, resolving to an exit code.
 */
export async function runMain(main: () => Promise<number>): Promise<never> {
  try {
    Deno.exit(await main());
  } catch (error) {
    const logger = serviceLogger ?? createLogger("notify");
    logger.fatal(`unexpected failure: ${(error as Error)?.message ?? error}`);
    logger.debug("stack of the unexpected failure", { stack: (error as Error)?.stack });
    Deno.exit(1);
  }
}
