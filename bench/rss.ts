/**
 * Peak resident memory of a process, from Linux's `/proc/<pid>/status` (`VmHWM`, the high-water
 * mark of the resident set), which the kernel resets on writing `5` to `/proc/<pid>/clear_refs`.
 * Exact, with no sampling that could miss a short peak.
 *
 * @module
 */

/**
 * Resets the process's peak RSS to its current RSS, so that a later {@linkcode peakRssBytes}
 * covers only what happened in between.
 *
 * @param pid The process.
 * @throws {Error} When the kernel does not allow it (not Linux, or not our process).
 */
export async function resetPeakRss(pid: number): Promise<void> {
  try {
    await Deno.writeTextFile(`/proc/${pid}/clear_refs`, "5");
  } catch (error) {
    throw new Error(
      `cannot reset the peak RSS of process ${pid} through /proc/${pid}/clear_refs: ${
        (error as Error).message
      }`,
    );
  }
}

/**
 * The peak resident set size of a process since it started or since the last
 * {@linkcode resetPeakRss}.
 *
 * @param pid The process.
 * @returns The peak in bytes.
 * @throws {Error} When `/proc/<pid>/status` has no `VmHWM` line (the process ended, or not Linux).
 */
export async function peakRssBytes(pid: number): Promise<number> {
  let status: string;
  try {
    status = await Deno.readTextFile(`/proc/${pid}/status`);
  } catch (error) {
    throw new Error(`cannot read /proc/${pid}/status: ${(error as Error).message}`);
  }
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  if (match === null) throw new Error(`/proc/${pid}/status has no VmHWM line`);
  return Number(match[1]) * 1024;
}
