/**
 * TCP port helpers: is a port free, who holds it (Linux /proc), can we connect, wait until we can.
 *
 * @module
 */

import { sleep } from "../shared/deadline.ts";
import type { HostPort } from "../shared/net.ts";
import { BrokerError } from "./errors.ts";

export { canConnect, type HostPort } from "../shared/net.ts";

/**
 * Parses "host:port" (the first entry of a ";"- or ","-separated list, an optional scheme is
 * dropped); `defaultPort` applies when the port is missing.
 */
export function parseHostPort(address: string, defaultPort: number): HostPort {
  const first = address.split(/[;,]/)[0].trim().replace(/^[a-z]+:\/\//i, "");
  const match = first.match(/^\[?([^\]]*?)\]?(?::(\d+))?$/);
  if (!match || match[1] === "") {
    throw new BrokerError(
      `"${address}" is not a host:port address: use e.g. 127.0.0.1:${defaultPort}`,
    );
  }
  return { hostname: match[1], port: match[2] ? Number(match[2]) : defaultPort };
}

/** Tells whether `hostname` names this machine's loopback interface. */
export function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "::1" || /^127\./.test(hostname);
}

/** Tells whether nothing listens on `port` (by binding it on all interfaces for a moment). */
export function isPortFree(port: number): boolean {
  try {
    const listener = Deno.listen({ hostname: "0.0.0.0", port });
    listener.close();
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) return false;
    if (error instanceof Deno.errors.PermissionDenied) return false;
    throw error;
  }
}

/** Finds the socket inode listening on `port` in the given /proc/net/tcp* text. */
export function listeningInode(procNetTcp: string, port: number): string | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  for (const line of procNetTcp.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    // fields: sl local_address rem_address st ... inode (index 9); st 0A = LISTEN
    if (fields.length > 9 && fields[1].endsWith(`:${hexPort}`) && fields[3] === "0A") {
      return fields[9];
    }
  }
  return undefined;
}

/**
 * Describes the process listening on `port` ("java (pid 123)"), when Linux /proc tells it
 * cheaply; undefined otherwise.
 */
export async function describePortHolder(port: number): Promise<string | undefined> {
  try {
    let inode: string | undefined;
    for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
      inode = listeningInode(await Deno.readTextFile(file), port);
      if (inode && inode !== "0") break;
    }
    if (!inode || inode === "0") return undefined;
    const target = `socket:[${inode}]`;
    for await (const proc of Deno.readDir("/proc")) {
      if (!/^\d+$/.test(proc.name)) continue;
      try {
        for await (const fd of Deno.readDir(`/proc/${proc.name}/fd`)) {
          if (Deno.readLinkSync(`/proc/${proc.name}/fd/${fd.name}`) === target) {
            const comm = (await Deno.readTextFile(`/proc/${proc.name}/comm`)).trim();
            return `${comm} (pid ${proc.name})`;
          }
        }
      } catch {
        // process gone or not ours to inspect
      }
    }
  } catch {
    // no /proc: not cheaply knowable
  }
  return undefined;
}

/** Resolves after `ms` milliseconds, or rejects with the signal's reason when it aborts first. */
export async function delay(ms: number, signal?: AbortSignal): Promise<void> {
  if (!await sleep(ms, signal)) throw signal?.reason;
}
