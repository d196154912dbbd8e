/**
 * A vendor API stand-in for local runs: answers every request with 200 and prints what it got,
 * so `deno task dev` shows the rendered request arriving without any internet access. Run alone
 * with `deno task vendor` (port `ECHO_VENDOR_PORT`, default 8090).
 *
 * It prints what a vendor receives: header values too, except those named like credentials
 * (`Authorization`, `X-Api-Key`, ...), which it masks like the services do.
 *
 * @module
 */

import { type EnvReader, integerFromEnv } from "../shared/env.ts";
import { redactHeaders } from "../shared/redact.ts";
import { aborted, onShutdownSignal } from "../shared/signals.ts";

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
 * The echo vendor's port: `ECHO_VENDOR_PORT`, default 8090.
 *
 * @param env The environment, e.g. `Deno.env`.
 * @returns The port.
 * @throws {Error} Naming the variable when it is not a port number.
 */
export function echoVendorPort(env: EnvReader): number {
  return integerFromEnv(env, "ECHO_VENDOR_PORT", { min: 0, max: 65535, fallback: 8090 });
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

if (import.meta.main) {
  const server = startEchoVendor({ port: echoVendorPort(Deno.env), log: console.log });
  await aborted(onShutdownSignal(() => console.log("echo vendor stopping")));
  await server.shutdown();
}
