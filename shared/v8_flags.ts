/**
 * The V8 heap settings both services run with, wherever they are started: `deno task api|worker`
 * (deno.json repeats them; a unit test keeps the two in step), `deno task dev`, the compiled
 * binaries and the tests.
 *
 * Left to itself, V8 on a machine with plenty of memory lets the old generation grow to about
 * four times the live heap before collecting; under load the services' live heap is about 40 MB
 * and their resident memory reached 350-380 MiB (bench/RESULTS.md). An old-space limit of
 * 512 MB makes V8 use its memory-constrained growth factor, and smaller young-generation
 * semi-spaces trim the rest. 512 MB is far above the live heap, and the API sheds load before
 * its in-flight bodies could approach it.
 *
 * Under load the V8 heap is only part of the resident memory: with the heap at 55-76 MB and
 * buffers outside it at about 10 MB, a draining worker's RSS still reached 205-225 MiB. The rest
 * was the optimising compiler's background jobs, whose working memory piles up while the thread
 * is busy. `--no-concurrent-recompilation` compiles on the JavaScript thread instead: the same
 * drains peaked at 171-184 MiB and the API at 123-125 MiB instead of 163-167, with throughput
 * within the run-to-run spread (bench/RESULTS.md).
 *
 * @module
 */

/** The `--v8-flags` value. */
export const V8_FLAGS =
  "--max-old-space-size=512,--max-semi-space-size=4,--no-concurrent-recompilation";

/** The `deno run` / `deno compile` argument carrying {@linkcode V8_FLAGS}. */
export const V8_FLAGS_ARG = `--v8-flags=${V8_FLAGS}`;
