import assert from "node:assert/strict";
import { readBody } from "../../api/body.ts";

/**
 * A request whose body is produced chunk by chunk, counting what the reader pulled and whether
 * the reader cancelled the stream.
 */
function streamingRequest(chunks: number, chunkSize: number, delayMs = 0) {
  const pulled = { bytes: 0, cancelled: false };
  let left = chunks;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (left-- <= 0) {
        controller.close();
        return;
      }
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      pulled.bytes += chunkSize;
      controller.enqueue(new Uint8Array(chunkSize).fill(0x20));
    },
    cancel() {
      pulled.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { request: new Request("http://x/events", { method: "POST", body }), pulled };
}

Deno.test("a body within the limit is read whole", async () => {
  const { request } = streamingRequest(4, 1000);
  const result = await readBody(request, { maxBytes: 4000, timeoutMs: 1000 });
  assert.ok(result.ok);
  assert.equal(result.bytes.byteLength, 4000);
});

Deno.test("an oversized declared length is refused without reading the body", async () => {
  const request = new Request("http://x/events", {
    method: "POST",
    headers: { "content-length": "2001" },
    body: "x".repeat(2001),
  });
  const result = await readBody(request, { maxBytes: 2000, timeoutMs: 1000 });
  assert.deepEqual(result, {
    ok: false,
    failure: { kind: "too_large", limit: 2000, declared: 2001 },
  });
});

Deno.test("a stream without a length is cut off one chunk past the limit", async () => {
  const { request, pulled } = streamingRequest(1000, 1024);
  const result = await readBody(request, { maxBytes: 4096, timeoutMs: 1000 });
  assert.deepEqual(result, { ok: false, failure: { kind: "too_large", limit: 4096 } });
  assert.ok(pulled.bytes <= 4096 + 1024, `read ${pulled.bytes} bytes`);
});

Deno.test("just over the limit is refused, exactly at the limit is accepted", async () => {
  const over = await readBody(streamingRequest(1, 1025).request, {
    maxBytes: 1024,
    timeoutMs: 500,
  });
  assert.equal(over.ok, false);
  const exact = await readBody(streamingRequest(1, 1024).request, {
    maxBytes: 1024,
    timeoutMs: 500,
  });
  assert.equal(exact.ok, true);
});

Deno.test("a slow-drip body is refused at the deadline", async () => {
  const { request } = streamingRequest(1000, 1, 50);
  const started = Date.now();
  const result = await readBody(request, { maxBytes: 1 << 20, timeoutMs: 300 });
  assert.deepEqual(result, { ok: false, failure: { kind: "timeout", timeoutMs: 300 } });
  assert.ok(Date.now() - started < 2000);
});

Deno.test("a declared length ends the read, and is still bounded by the deadline", async () => {
  const whole = new Request("http://x/events", {
    method: "POST",
    headers: { "content-length": "5" },
    body: "hello",
  });
  assert.deepEqual(await readBody(whole, { maxBytes: 10, timeoutMs: 500 }), {
    ok: true,
    bytes: new TextEncoder().encode("hello"),
  });
  const inPieces = streamingRequest(4, 256);
  inPieces.request.headers.set("content-length", "1024");
  const read = await readBody(inPieces.request, { maxBytes: 2048, timeoutMs: 500 });
  assert.ok(read.ok);
  assert.equal(read.bytes.byteLength, 1024);
  const { request } = streamingRequest(1000, 1, 50);
  request.headers.set("content-length", "1000");
  const result = await readBody(request, { maxBytes: 1 << 20, timeoutMs: 300 });
  assert.deepEqual(result, { ok: false, failure: { kind: "timeout", timeoutMs: 300 } });
});

Deno.test("a body refused at the deadline stops being received", async () => {
  for (const declared of [undefined, "1000"]) {
    const { request, pulled } = streamingRequest(1000, 1, 20);
    if (declared !== undefined) request.headers.set("content-length", declared);
    const result = await readBody(request, { maxBytes: 1 << 20, timeoutMs: 200 });
    assert.equal(result.ok, false);
    assert.equal(pulled.cancelled, true, `content-length ${declared}: stream not cancelled`);
    const atAnswer = pulled.bytes;
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(pulled.bytes <= atAnswer + 1, `still reading: ${atAnswer} -> ${pulled.bytes} bytes`);
  }
});

Deno.test("a body longer than its declared length is refused", async () => {
  const request = new Request("http://x/events", {
    method: "POST",
    headers: { "content-length": "3" },
    body: "x".repeat(2001),
  });
  const result = await readBody(request, { maxBytes: 2000, timeoutMs: 1000 });
  assert.deepEqual(result, {
    ok: false,
    failure: { kind: "too_large", limit: 2000, declared: 3 },
  });
});
