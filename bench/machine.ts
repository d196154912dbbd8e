/**
 * What the benchmark ran on: CPU, cores, memory, kernel, and the versions of Deno, Java, the
 * RocketMQ server and client. Printed at the top of `bench/RESULTS.md`, since figures mean little
 * without them.
 *
 * @module
 */

/** One "what" and its value. */
export interface MachineFact {
  /** E.g. `CPU`. */
  name: string;
  /** E.g. `Intel(R) Xeon(R) ... (2 cores)`. */
  value: string;
}

const ROOT = new URL("../", import.meta.url);

async function readOr(path: string | URL, fallback: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return fallback;
  }
}

async function commandLine(command: string, args: string[]): Promise<string> {
  try {
    const output = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" })
      .output();
    const text = new TextDecoder().decode(output.stderr) + new TextDecoder().decode(output.stdout);
    return text.split("\n")[0].trim() || "unknown";
  } catch {
    return "not found";
  }
}

/**
 * Collects the machine and version facts.
 *
 * @returns The facts, in display order.
 */
export async function machineFacts(): Promise<MachineFact[]> {
  const cpuinfo = await readOr("/proc/cpuinfo", "");
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? Deno.build.arch;
  const memory = Deno.systemMemoryInfo();
  const pom = await readOr(new URL("rocketmq/pom.xml", ROOT), "");
  const server = /<rocketmq\.version>([^<]+)</.exec(pom)?.[1] ?? "unknown";
  const denoJson = JSON.parse(await readOr(new URL("deno.json", ROOT), "{}"));
  const client = String(denoJson.imports?.["rocketmq-client-nodejs"] ?? "unknown");
  return [
    { name: "CPU", value: `${cpu} (${navigator.hardwareConcurrency} cores)` },
    { name: "Memory", value: `${(memory.total / 2 ** 30).toFixed(1)} GiB` },
    { name: "OS", value: `${Deno.build.os} ${Deno.osRelease()}` },
    { name: "Deno", value: `${Deno.version.deno} (V8 ${Deno.version.v8})` },
    { name: "Java", value: await commandLine("java", ["-version"]) },
    { name: "RocketMQ server", value: `${server} (NameServer + broker with local proxy)` },
    { name: "RocketMQ client", value: client },
  ];
}
