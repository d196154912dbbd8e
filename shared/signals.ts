/**
 * Graceful shutdown on SIGINT and SIGTERM: the first signal starts an orderly stop, a second one
 * (an impatient Ctrl-C) exits at once. A repeat within a second is not a second Ctrl-C: under
 * `deno task`, a terminal's Ctrl-C reaches the process twice (from the terminal and forwarded by
 * the task runner).
 *
 * @module
 */

/** Signals closer together than this count as one. */
const REPEAT_WINDOW_MS = 1000;

/** Options for {@linkcode onShutdownSignal}. */
export interface ShutdownOptions {
  /** Called with the signal's name when a second signal arrives; defaults to exiting with 130. */
  onForce?: (signal: Deno.Signal) => void;
}

/**
 * Calls `notify` once, on the first SIGINT or SIGTERM, and aborts the returned signal.
 *
 * @param notify Called with the signal's name, e.g. to log that shutdown started.
 * @param options What to do on a second signal.
 * @returns An abort signal that fires on the first shutdown signal.
 */
export function onShutdownSignal(
  notify: (signal: Deno.Signal) => void,
  options: ShutdownOptions = {},
): AbortSignal {
  const controller = new AbortController();
  const force = options.onForce ?? (() => Deno.exit(130));
  let firstAt = 0;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      if (controller.signal.aborted) {
        if (Date.now() - firstAt >= REPEAT_WINDOW_MS) force(signal);
        return;
      }
      firstAt = Date.now();
      controller.abort(signal);
      notify(signal);
    });
  }
  return controller.signal;
}

/**
 * Resolves once `signal` aborts (at once if it already has).
 *
 * @param signal The signal to wait for.
 */
export function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(), { once: true })
  );
}
