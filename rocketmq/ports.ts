/**
 * TCP port helpers: is a port free, who holds it (Linux /proc), can we connect, wait until we can.
 *
 * @module
 */

import { BrokerError } from "./errors.ts";

/** A host and port parsed from "host:port". */
export interface HostPort {
  /** Host name or address. */
  hostname: string;
  /** TCP port. */
  port: number;
}

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

/** Tells whether a TCP connection to `hostname:port` succeeds within `timeoutMs`. */
export async function canConnect(address: HostPort, timeoutMs = 1000): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const attempt = Deno.connect({ hostname: address.hostname, port: address.port })
    .then((conn) => {
      conn.close();
      return true;
    }, () => false);
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves after `ms` milliseconds, or rejects early when `signal` aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    function onAbort(): void {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
