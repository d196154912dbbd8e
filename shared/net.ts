/**
 * Whether something accepts TCP connections at an address: the cheap reachability check behind
 * the API's readiness probe and the local broker's start and provisioning.
 *
 * @module
 */

/** A host and port. */
export interface HostPort {
  /** Host name or address (IPv6 without brackets). */
  hostname: string;
  /** TCP port. */
  port: number;
}

/**
 * Tells whether a TCP connection to `address` opens within `timeoutMs`.
 *
 * @param address Where to connect.
 * @param timeoutMs How long to try (default 1000 ms).
 * @returns True when it opened (it is closed again at once).
 */
export async function canConnect(address: HostPort, timeoutMs = 1000): Promise<boolean> {
  try {
    const conn = await Deno.connect({
      hostname: address.hostname,
      port: address.port,
      signal: AbortSignal.timeout(timeoutMs),
    });
    conn.close();
    return true;
  } catch {
    return false;
  }
}
