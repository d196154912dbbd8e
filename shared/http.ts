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
