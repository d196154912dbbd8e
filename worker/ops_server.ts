/**
 * The worker's small HTTP listener for operators: `/healthz` (the process runs), `/readyz` (its
 * consumers are running: 503 while it connects and once it shuts down) and `/metrics`.
 *
 * @module
 */

import { jsonResponse as json } from "../shared/http.ts";
import { metricsResponse, type Registry } from "../shared/metrics.ts";

/** Where the worker is in its life. */
export type WorkerPhase = "starting" | "running" | "stopping";

/** What {@linkcode handleOpsRequest} answers from. */
export interface OpsState {
  /** The metrics to serve. */
  registry: Registry;
  /** The worker's current phase, for `/readyz`. */
  phase(): WorkerPhase;
}

/** Options for {@linkcode startOpsServer}. */
export interface OpsServerOptions extends OpsState {
  /** Port (0 picks a free one). */
  port: number;
  /** Listen address. */
  host: string;
}

/**
 * Answers one operator request.
 *
 * @param request The request.
 * @param options The metrics and the phase.
 * @returns The answer.
 */
export function handleOpsRequest(
  request: Request,
  options: OpsState,
): Response {
  const path = new URL(request.url).pathname;
  if (!["/healthz", "/readyz", "/metrics"].includes(path)) {
    return json(404, { error: `no such endpoint: ${path}`, details: [] });
  }
  if (request.method !== "GET" && request.method !== "HEAD") {
    return json(405, { error: `method ${request.method} is not allowed on ${path}`, details: [] }, {
      allow: "GET, HEAD",
    });
  }
  if (path === "/metrics") return metricsResponse(options.registry);
  if (path === "/healthz") return json(200, { status: "ok" });
  const phase = options.phase();
  return phase === "running"
    ? json(200, { status: "ready" })
    : json(503, { error: `the worker is ${phase}`, details: [] });
}

/**
 * Starts the listener.
 *
 * @param options Port, address, metrics and phase.
 * @returns The server (shut it down last, after the consumers).
 * @throws {Deno.errors.AddrInUse} When the port is taken.
 */
export function startOpsServer(options: OpsServerOptions): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve(
    { port: options.port, hostname: options.host, onListen() {} },
    (request) => handleOpsRequest(request, options),
  );
}
