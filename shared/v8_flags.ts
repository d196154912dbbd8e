/**
 * The V8 heap settings each service runs with, wherever it is started: `deno task api|worker`
 * (deno.json repeats them; a unit test keeps the two in step), `deno task dev`, the compiled
 * binaries, the tests and the benchmark.
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
 * The two services differ in the young generation. The API is bound by the CPU of its one
 * JavaScript thread, a quarter of which went to the garbage collector at 4 MB semi-spaces; 8 MB
 * semi-spaces gave it 5-10 % more events per second at concurrency 64 for 6 MiB more resident
 * memory (128 to 134 MiB). The worker's peak comes in a fast drain, close to the 200 MiB target,
 * so it keeps 4 MB.
 *
 * @module
 */

/** The two services. */
export type ServiceName = "api" | "worker";

/** The `--v8-flags` value of each service. */
export const V8_FLAGS: Readonly<Record<ServiceName, string>> = {
  api: "--max-old-space-size=512,--max-semi-space-size=8,--no-concurrent-recompilation",
  worker: "--max-old-space-size=512,--max-semi-space-size=4,--no-concurrent-recompilation",
};

/**
 * The `deno run` / `deno compile` argument carrying a service's {@linkcode V8_FLAGS}.
 *
 * @param entry The service's entry point relative to the repository, e.g. `api/main.ts`.
 * @returns `--v8-flags=…` for that service.
 * @throws {Error} When the entry point is neither service's.
 */
export function v8FlagsArg(entry: string): string {
  const service = entry.split("/")[0];
  if (service !== "api" && service !== "worker") {
    throw new Error(
      `no V8 flags are defined for entry point "${entry}" (expected api/ or worker/)`,
    );
  }
  return `--v8-flags=${V8_FLAGS[service]}`;
}
