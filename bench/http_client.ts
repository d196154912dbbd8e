/**
 * A lean HTTP/1.1 client for load generation. The load generator shares the machine's two cores
 * with the API and the broker, so every microsecond it spends per request is taken from the
 * server it measures. `fetch` builds a `Request`, `Headers`, a `Response` and body streams for
 * every call; this client keeps one keep-alive connection per request in flight, writes each
 * request as one buffer and reads the answer only as far as its status line and
 * `Content-Length`, so it costs a fraction of that (bench/RESULTS.md has the comparison).
 *
 * It is meant for the benchmark's own API: answers must carry `Content-Length` (as `Deno.serve`
 * sends for every JSON answer); anything else is reported as an error, never guessed at.
 *
 * @module
 */

const encoder = new TextEncoder();
const latin1 = new TextDecoder("latin1");

/** The status line and headers of an answer, and its body. */
export interface HttpAnswer {
  /** The status code. */
  status: number;
  /** The body's bytes. */
  body: Uint8Array;
}

/** Keep-alive connections to one server; see {@linkcode httpPool}. */
export interface HttpPool {
  /**
   * Sends `POST path` with a JSON body on an idle connection (a new one when none is idle) and
   * resolves with the answer.
   */
  postJson(path: string, body: string): Promise<HttpAnswer>;
  /** Closes every connection. */
  close(): void;
}

interface Connection {
  conn: Deno.TcpConn;
  buffer: Uint8Array;
}

const CRLFCRLF = [13, 10, 13, 10];

function headerEnd(bytes: Uint8Array, length: number): number {
  for (let i = 3; i < length; i++) {
    if (
      bytes[i] === CRLFCRLF[3] && bytes[i - 1] === CRLFCRLF[2] && bytes[i - 2] === CRLFCRLF[1] &&
      bytes[i - 3] === CRLFCRLF[0]
    ) return i + 1;
  }
  return -1;
}

function parseHead(head: string): { status: number; contentLength: number; close: boolean } {
  const lines = head.split("\r\n");
  const status = Number(lines[0].split(" ")[1]);
  if (!/^HTTP\/1\.[01] \d{3}/.test(lines[0])) {
    throw new Error(`not an HTTP/1.x status line: ${JSON.stringify(lines[0])}`);
  }
  let contentLength = -1;
  let close = false;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "content-length") contentLength = Number(value);
    else if (name === "connection") close = value.toLowerCase() === "close";
    else if (name === "transfer-encoding") {
      throw new Error(
        `the answer uses transfer-encoding ${value}; this client needs content-length`,
      );
    }
  }
  if (!Number.isInteger(contentLength) || contentLength < 0) {
    throw new Error(`the answer (status ${status}) has no valid content-length`);
  }
  return { status, contentLength, close };
}

async function exchange(connection: Connection, request: Uint8Array): Promise<
  HttpAnswer & {
    close: boolean;
  }
> {
  const { conn } = connection;
  for (let written = 0; written < request.byteLength;) {
    written += await conn.write(request.subarray(written));
  }
  let length = 0;
  let bodyStart = -1;
  let head: ReturnType<typeof parseHead> | undefined;
  while (true) {
    if (length === connection.buffer.byteLength) {
      const larger = new Uint8Array(connection.buffer.byteLength * 2);
      larger.set(connection.buffer);
      connection.buffer = larger;
    }
    const read = await conn.read(connection.buffer.subarray(length));
    if (read === null) throw new Error("the server closed the connection before answering");
    length += read;
    if (head === undefined) {
      bodyStart = headerEnd(connection.buffer, length);
      if (bodyStart < 0) continue;
      head = parseHead(latin1.decode(connection.buffer.subarray(0, bodyStart - 4)));
    }
    const end = bodyStart + head.contentLength;
    if (length > end) throw new Error("the server sent more than one answer");
    if (length === end) {
      return {
        status: head.status,
        body: connection.buffer.slice(bodyStart, end),
        close: head.close,
      };
    }
  }
}

/**
 * Opens keep-alive connections to `hostname:port` on demand, one per request in flight.
 *
 * @param hostname The server's address.
 * @param port The server's port.
 * @returns The pool.
 */
export function httpPool(hostname: string, port: number): HttpPool {
  const idle: Connection[] = [];
  const all = new Set<Connection>();
  const host = `${hostname}:${port}`;
  async function acquire(): Promise<Connection> {
    const ready = idle.pop();
    if (ready !== undefined) return ready;
    const conn = await Deno.connect({ hostname, port });
    conn.setNoDelay(true);
    const connection = { conn, buffer: new Uint8Array(4096) };
    all.add(connection);
    return connection;
  }
  function discard(connection: Connection): void {
    all.delete(connection);
    try {
      connection.conn.close();
    } catch {
      // already closed
    }
  }
  return {
    async postJson(path, body) {
      const payload = encoder.encode(body);
      const head = encoder.encode(
        `POST ${path} HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\n` +
          `content-length: ${payload.byteLength}\r\n\r\n`,
      );
      const request = new Uint8Array(head.byteLength + payload.byteLength);
      request.set(head);
      request.set(payload, head.byteLength);
      const connection = await acquire();
      let answer;
      try {
        answer = await exchange(connection, request);
      } catch (error) {
        discard(connection);
        throw error;
      }
      if (answer.close) discard(connection);
      else idle.push(connection);
      return { status: answer.status, body: answer.body };
    },
    close() {
      for (const connection of [...all]) discard(connection);
      idle.length = 0;
    },
  };
}
