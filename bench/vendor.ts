/**
 * The vendor stand-in of the delivery benchmarks: a local HTTP server that answers 200 after a
 * fixed delay and records when each event first arrived. The event is recognised by the `run` and
 * `seq` fields that the benchmark's body template copies from the event data.
 *
 * @module
 */

import { sleep } from "../shared/deadline.ts";
import { Waiters } from "../tests/helpers/waiters.ts";

/** A running benchmark vendor. */
export interface BenchVendor {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Requests received, repeats included. */
  readonly requests: number;
  /** First arrival (`performance.now()`) of each `seq` of a run. */
  arrivals(run: string): Map<number, number>;
  /** Resolves once `count` distinct events of `run` arrived; rejects after `timeoutMs`. */
  waitFor(run: string, options: WaitForOptions): Promise<void>;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Options for {@linkcode BenchVendor.waitFor}. */
export interface WaitForOptions {
  /** Distinct events to wait for. */
  count: number;
  /** How long to wait at most, in ms. */
  timeoutMs: number;
}

/** Options for {@linkcode startBenchVendor}. */
export interface BenchVendorOptions {
  /** How long each answer takes, in ms (default 0). */
  delayMs?: number;
}

/**
 * Starts a vendor on a free loopback port.
 *
 * @param options Answer delay.
 * @returns The running vendor.
 */
export function startBenchVendor(options: BenchVendorOptions = {}): BenchVendor {
  const delayMs = options.delayMs ?? 0;
  const runs = new Map<string, Map<number, number>>();
  const waiters = new Waiters();
  let requests = 0;
  function arrivals(run: string): Map<number, number> {
    let seen = runs.get(run);
    if (seen === undefined) runs.set(run, seen = new Map());
    return seen;
  }
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const at = performance.now();
    requests++;
    const body = await req.json() as { run?: unknown; seq?: unknown };
    const seen = arrivals(String(body.run));
    const seq = Number(body.seq);
    if (!seen.has(seq)) {
      seen.set(seq, at);
      waiters.notify();
    }
    if (delayMs > 0) await sleep(delayMs);
    return new Response("ok");
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    get requests() {
      return requests;
    },
    arrivals,
    waitFor(run, { count, timeoutMs }) {
      return waiters.until(() => arrivals(run).size >= count, {
        timeoutMs,
        failure: () =>
          `vendor got ${arrivals(run).size} of ${count} events of run ${run} in ${timeoutMs} ms`,
      });
    },
    async close() {
      await server.shutdown();
    },
  };
}
