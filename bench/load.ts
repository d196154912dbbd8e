/**
 * Load generation: a closed loop (a fixed number of senders, each sending again as soon as its
 * last request finished) for throughput, and an open loop (requests started on a fixed schedule,
 * whether or not earlier ones finished) for latency at a steady rate.
 *
 * @module
 */

/** Sends request number `seq`; resolves when it succeeded, rejects when it failed. */
export type Send = (seq: number) => Promise<void>;

/** What one load run did. */
export interface LoadResult {
  /** Requests that succeeded. */
  ok: number;
  /** Requests that failed, by error message. */
  failures: Map<string, number>;
  /** Wall time from the first request to the last answer, in seconds. */
  seconds: number;
  /** Latency of each successful request, in ms. */
  latenciesMs: number[];
}

/** Options for {@linkcode closedLoop}. */
export interface ClosedLoopOptions {
  /** Requests in flight at once. */
  concurrency: number;
  /** How long to keep starting requests, in ms. */
  durationMs: number;
  /** Stop after starting this many requests (default no limit). */
  requests?: number;
}

/** Options for {@linkcode openLoop}. */
export interface OpenLoopOptions {
  /** Requests started per second. */
  ratePerSecond: number;
  /** How long to keep starting requests, in ms. */
  durationMs: number;
  /** Number of the first request (default 0), so that runs do not reuse numbers. */
  firstSeq?: number;
  /** Called with each request's scheduled start, `performance.now()` based. */
  onScheduled?: (seq: number, at: number) => void;
}

/**
 * The failures of a run in one line, e.g. `3x POST /events answered 503; 1x timeout`.
 *
 * @param result A load run.
 * @returns The summary, empty when nothing failed.
 */
export function failureSummary(result: LoadResult): string {
  return [...result.failures].map(([text, count]) => `${count}x ${text}`).join("; ");
}

function failureText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Keeps `concurrency` requests in flight for `durationMs` or until `requests` were started.
 *
 * @param send Sends one request.
 * @param options Concurrency and duration.
 * @returns Counts, elapsed time and latencies.
 */
export async function closedLoop(send: Send, options: ClosedLoopOptions): Promise<LoadResult> {
  const failures = new Map<string, number>();
  const latenciesMs: number[] = [];
  const start = performance.now();
  const end = start + options.durationMs;
  let next = 0;
  let ok = 0;
  async function sender(): Promise<void> {
    while (performance.now() < end && next < (options.requests ?? Infinity)) {
      const seq = next++;
      const begun = performance.now();
      try {
        await send(seq);
        latenciesMs.push(performance.now() - begun);
        ok++;
      } catch (error) {
        const text = failureText(error);
        failures.set(text, (failures.get(text) ?? 0) + 1);
      }
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, sender));
  return { ok, failures, seconds: (performance.now() - start) / 1000, latenciesMs };
}

/**
 * Starts requests at a fixed rate for `durationMs` and waits for all of them. Latency is counted
 * from each request's scheduled start, so a stall also counts against the requests that could not
 * start on time (no coordinated omission).
 *
 * @param send Sends one request.
 * @param options Rate, duration and first request number.
 * @returns Counts, elapsed time and latencies.
 */
export async function openLoop(send: Send, options: OpenLoopOptions): Promise<LoadResult> {
  const failures = new Map<string, number>();
  const latenciesMs: number[] = [];
  const intervalMs = 1000 / options.ratePerSecond;
  const total = Math.round(options.durationMs / intervalMs);
  const first = options.firstSeq ?? 0;
  const pending: Promise<void>[] = [];
  let ok = 0;
  async function one(seq: number, scheduled: number): Promise<void> {
    try {
      await send(seq);
      latenciesMs.push(performance.now() - scheduled);
      ok++;
    } catch (error) {
      const text = failureText(error);
      failures.set(text, (failures.get(text) ?? 0) + 1);
    }
  }
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const scheduled = start + i * intervalMs;
    const wait = scheduled - performance.now();
    if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait));
    options.onScheduled?.(first + i, scheduled);
    pending.push(one(first + i, scheduled));
  }
  await Promise.all(pending);
  return { ok, failures, seconds: (performance.now() - start) / 1000, latenciesMs };
}
