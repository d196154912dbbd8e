/**
 * A real local HTTP server standing in for a vendor API: records every request and answers as
 * the test says.
 *
 * @module
 */

import { Waiters } from "./waiters.ts";

/** One request the vendor received. */
export interface VendorRequest {
  /** HTTP method. */
  method: string;
  /** Path and query. */
  path: string;
  /** Request headers. */
  headers: Headers;
  /** Body text. */
  body: string;
  /** Arrival time, `Date.now()`. */
  at: number;
}

/** Decides the answer to a request; `index` counts all requests so far, from 0. */
export type Responder = (request: VendorRequest, index: number) => Response | Promise<Response>;

/** A running vendor. */
export interface Vendor {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Every request received, in order. */
  requests: VendorRequest[];
  /** Resolves once at least `count` requests arrived, or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<VendorRequest[]>;
  /** Stops the server. */
  close(): Promise<void>;
}

/**
 * Starts a vendor on a free loopback port.
 *
 * @param respond How to answer (default: 200 "ok").
 * @returns The running vendor.
 */
export function startVendor(respond: Responder = () => new Response("ok")): Vendor {
  const requests: VendorRequest[] = [];
  const waiters = new Waiters();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const entry: VendorRequest = {
      method: req.method,
      path: url.pathname + url.search,
      headers: req.headers,
      body: await req.text(),
      at: Date.now(),
    };
    const index = requests.push(entry) - 1;
    waiters.notify();
    return await respond(entry, index);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    async waitFor(count, timeoutMs = 60_000) {
      await waiters.until(() => requests.length >= count, {
        timeoutMs,
        failure: () => `vendor got ${requests.length} of ${count} requests in ${timeoutMs} ms`,
      });
      return requests;
    },
    async close() {
      await server.shutdown();
    },
  };
}

/**
 * Waits a while to show that nothing more arrives (for "exactly once" checks).
 *
 * @param ms How long.
 */
export function settle(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
