/**
 * Splitting a byte stream (a child process's output) into text lines.
 *
 * @module
 */

/**
 * Yields the lines of a stream as they arrive, without their line breaks; a last line without a
 * break is yielded too.
 *
 * @param stream The bytes.
 * @returns The lines.
 */
export async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop()!;
    yield* parts;
  }
  if (rest !== "") yield rest;
}
