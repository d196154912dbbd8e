/**
 * A vendor API stand-in for local runs: answers every request with 200 and prints what it got,
 * so `deno task dev` shows the rendered request arriving without any internet access.
 *
 * @module
 */

import { redactHeaders } from "../shared/redact.ts";

/** Transport headers not worth printing. */
const SKIPPED_HEADERS = new Set([
  "host",
  "accept",
  "accept-encoding",
  "accept-language",
  "content-length",
  "user-agent",
]);

/** Options for {@linkcode startEchoVendor}. */
export interface EchoVendorOptions {
  /** Port to listen on, on 127.0.0.1. */
  port: number;
  /** Where each received request is described. */
  log: (line: string) => void;
}

/**
 * Starts the echo vendor.
 *
 * @param options Port and output.
 * @returns The server, to shut down.
 */
export function startEchoVendor(options: EchoVendorOptions): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({
    hostname: "127.0.0.1",
    port: options.port,
    onListen: ({ port }) => options.log(`echo vendor listening on http://127.0.0.1:${port}`),
  }, async (request) => {
    const url = new URL(request.url);
    const body = await request.text();
    const shown = Object.fromEntries(
      [...request.headers].filter(([name]) => !SKIPPED_HEADERS.has(name)),
    );
    const headers = Object.entries(redactHeaders(shown))
      .map(([name, value]) => `${name}: ${value}`)
      .join(", ");
    options.log(`received ${request.method} ${url.pathname}${url.search} {${headers}} ${body}`);
    return Response.json({ received: true });
  });
}
