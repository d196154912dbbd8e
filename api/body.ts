/**
 * Reading a request body with a size limit enforced while streaming (an oversized body is cut
 * off at the limit, never buffered whole) and a deadline for slow senders.
 *
 * @module
 */

/** Why a body could not be read. */
export type BodyFailure =
  | { kind: "too_large"; limit: number; declared?: number }
  | { kind: "timeout"; timeoutMs: number }
  | { kind: "aborted"; message: string };

/** Either the body's bytes or why they could not be read. */
export type BodyResult = { ok: true; bytes: Uint8Array } | { ok: false; failure: BodyFailure };

/** Options for {@linkcode readBody}. */
export interface ReadBodyOptions {
  /** Largest accepted body, in bytes. */
  maxBytes: number;
  /** Longest time the whole body may take to arrive, in ms. */
  timeoutMs: number;
}

/**
 * Reads a request's body, refusing it as soon as it exceeds the limit (by `Content-Length` or
 * by the bytes actually received) or takes longer than the deadline.
 *
 * @param request The request.
 * @param options Size limit and deadline.
 * @returns The bytes, or the reason they were refused.
 */
export async function readBody(request: Request, options: ReadBodyOptions): Promise<BodyResult> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    await request.body?.cancel().catch(() => {});
    return { ok: false, failure: { kind: "too_large", limit: options.maxBytes, declared } };
  }
  if (request.body === null) return { ok: true, bytes: new Uint8Array() };
  if (Number.isInteger(declared) && declared >= 0) {
    return await readDeclared(request, declared, options);
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), options.timeoutMs);
  });
  try {
    while (true) {
      const next = await Promise.race([reader.read(), deadline]);
      if (next === "timeout") {
        await reader.cancel().catch(() => {});
        return { ok: false, failure: { kind: "timeout", timeoutMs: options.timeoutMs } };
      }
      if (next.done) break;
      size += next.value.byteLength;
      if (size > options.maxBytes) {
        await reader.cancel().catch(() => {});
        return { ok: false, failure: { kind: "too_large", limit: options.maxBytes } };
      }
      chunks.push(next.value);
    }
  } catch (error) {
    return { ok: false, failure: { kind: "aborted", message: (error as Error).message } };
  } finally {
    clearTimeout(timer);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes };
}

/**
 * Reads a body whose length is declared and within the limit in one call, which costs far less
 * than pulling chunks: the HTTP server never hands over more than the declared length. The
 * received size is still checked, for requests not built by the server.
 */
async function readDeclared(
  request: Request,
  declared: number,
  options: ReadBodyOptions,
): Promise<BodyResult> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), options.timeoutMs);
  });
  const reading = request.bytes();
  try {
    const bytes = await Promise.race([reading, deadline]);
    if (bytes === "timeout") {
      // the answer closes the connection, which ends the read; its error is of no interest
      reading.catch(() => {});
      return { ok: false, failure: { kind: "timeout", timeoutMs: options.timeoutMs } };
    }
    if (bytes.byteLength > options.maxBytes) {
      return { ok: false, failure: { kind: "too_large", limit: options.maxBytes, declared } };
    }
    return { ok: true, bytes };
  } catch (error) {
    return { ok: false, failure: { kind: "aborted", message: (error as Error).message } };
  } finally {
    clearTimeout(timer);
  }
}
