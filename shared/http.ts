/**
 * JSON answers, the same shape from both services.
 *
 * @module
 */

/**
 * A JSON response.
 *
 * @param status The status code.
 * @param body Any JSON-serialisable value.
 * @param headers Extra headers.
 * @returns The response, `content-type: application/json`.
 */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** Where a service tried to listen. */
export interface ListenAddress {
  /** The address. */
  host: string;
  /** The port. */
  port: number;
  /** The environment variable that sets the port, e.g. `PORT`. */
  portVariable: string;
}

/**
 * The one sentence for a failed `Deno.serve`: a taken port names the variable that moves it.
 *
 * @param error What `Deno.serve` threw.
 * @param where The address and the variable of its port.
 * @returns E.g. `port 8080 is already in use; set PORT to a free port`.
 */
export function listenFailureMessage(error: unknown, where: ListenAddress): string {
  if (error instanceof Deno.errors.AddrInUse) {
    return `port ${where.port} is already in use; set ${where.portVariable} to a free port`;
  }
  return `cannot listen on ${where.host}:${where.port}: ${(error as Error)?.message ?? error}`;
}
