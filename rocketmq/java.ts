/**
 * Finding Java, resolving the RocketMQ server jars (Maven Central or `$ROCKETMQ_HOME/lib`) and
 * building JVM command lines for the NameServer, the broker with its proxy and the admin tool.
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BrokerError } from "./errors.ts";
import { type LocalLayout, localLayout } from "./layout.ts";

/** Reads environment variables (`Deno.env` fits). */
export interface Env {
  /** Returns the variable's value or undefined. */
  get(key: string): string | undefined;
}

/** A usable Java runtime. */
export interface JavaRuntime {
  /** The `java` executable (from JAVA_HOME or PATH). */
  command: string;
  /** Feature release, e.g. 17. */
  major: number;
}

/** The JVMs this tooling starts; each gets its own heap size. */
export type JvmRole = "namesrv" | "broker" | "tool";

/** Main classes of the JVMs. */
export const MAIN_CLASS: Record<JvmRole, string> = {
  namesrv: "org.apache.rocketmq.namesrv.NamesrvStartup",
  broker: "org.apache.rocketmq.proxy.ProxyStartup",
  tool: "org.apache.rocketmq.tools.command.MQAdminStartup",
};

/** Extracts the feature release from `java -version` output (`1.8.0_x` gives 8), if present. */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = versionOutput.match(/version "(\d+)(?:\.(\d+))?[^"]*"/);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

/** Finds Java (JAVA_HOME first, then PATH) and checks it is Java 11 or newer. */
export async function findJava(env: Env = Deno.env): Promise<JavaRuntime> {
  const javaHome = env.get("JAVA_HOME");
  const command = javaHome ? join(javaHome, "bin", "java") : "java";
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(command, {
      args: ["-version"],
      stdout: "piped",
      stderr: "piped",
    })
      .output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      const where = javaHome ? `at JAVA_HOME (${command})` : "on PATH";
      throw new BrokerError(
        `java was not found ${where}: install a JDK 17 (e.g. apt-get install openjdk-17-jre-headless) or point JAVA_HOME at one`,
      );
    }
    throw error;
  }
  const text = new TextDecoder().decode(output.stderr) + new TextDecoder().decode(output.stdout);
  const major = parseJavaMajor(text);
  if (!output.success || major === undefined) {
    throw new BrokerError(
      `"${command} -version" did not report a Java version: install a JDK 17 or point JAVA_HOME at one`,
    );
  }
  if (major < 11) {
    throw new BrokerError(
      `java ${major} at "${command}" is too old for RocketMQ 5 here: install a JDK 17 or point JAVA_HOME at one`,
    );
  }
  return { command, major };
}

/** Logback configuration (a classpath resource of the jars) of each JVM, as the stock scripts use. */
const LOGBACK: Record<JvmRole, string> = {
  namesrv: "rmq.namesrv.logback.xml",
  broker: "rmq.proxy.logback.xml",
  tool: "rmq.tools.logback.xml",
};

/** Heap and direct-memory limits of each JVM (sum stays near 1.2 GiB at most). */
export const HEAP: Record<JvmRole, { min: string; max: string; direct: string }> = {
  namesrv: { min: "64m", max: "256m", direct: "64m" },
  broker: { min: "256m", max: "768m", direct: "256m" },
  tool: { min: "32m", max: "128m", direct: "32m" },
};

/** Options of {@linkcode jvmArgs}. */
export interface JvmArgsOptions {
  /** Java feature release (module flags are only added for 9 and newer). */
  javaMajor: number;
  /** Folder with the RocketMQ jars (the classpath is `lib/*`). */
  libDir: string;
  /** The local layout; logs and `user.home` go below its base, never $HOME. */
  layout: LocalLayout;
  /** ROCKETMQ_HOME to report to the servers (default: the layout's base). */
  rocketmqHome?: string;
}

/**
 * Builds the JVM arguments (before the main class arguments) for `role`: small heaps,
 * `user.home` and RocketMQ logging redirected below `.rocketmq/`, and the `java.base` openings that
 * the broker needs on JDK 9+. The classpath is the jar folder; the main class comes last.
 */
export function jvmArgs(role: JvmRole, options: JvmArgsOptions): string[] {
  const heap = HEAP[role];
  const base = options.layout.base;
  const args = [
    `-Xms${heap.min}`,
    `-Xmx${heap.max}`,
    `-XX:MaxDirectMemorySize=${heap.direct}`,
    "-XX:MaxMetaspaceSize=192m",
    "-XX:+UseSerialGC",
    "-XX:-OmitStackTraceInFastThrow",
    "-Djava.net.preferIPv4Stack=true",
    `-Duser.home=${base}`,
    `-Drocketmq.home.dir=${options.rocketmqHome ?? base}`,
    `-Drocketmq.log.root=${join(base, "logs", "rocketmqlogs")}`,
    `-Drmq.logback.configurationFile=${LOGBACK[role]}`,
    `-Drocketmq.client.logRoot=${join(base, "logs", "rocketmqlogs")}`,
    // marks the process as ours, so stop never signals a recycled pid
    `-Dnotify.rocketmq.base=${base}`,
  ];
  // C1 only for the short-lived admin tool and the light NameServer; the broker boots faster with
  // the full JIT (measured here: 18 s instead of 22 s of CPU)
  if (role !== "broker") args.push("-XX:TieredStopAtLevel=1");
  if (options.javaMajor >= 9) {
    args.push(
      "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
    );
  }
  args.push("-cp", join(options.libDir, "*"), MAIN_CLASS[role]);
  return args;
}

/** The jar folder to use, and the RocketMQ home it belongs to. */
export interface ServerJars {
  /** Folder holding the jars. */
  libDir: string;
  /** `$ROCKETMQ_HOME` when that installation is used, otherwise undefined. */
  rocketmqHome?: string;
}

/** Options of {@linkcode resolveJars}. */
export interface ResolveJarsOptions {
  /** Environment (default `Deno.env`); ROCKETMQ_HOME selects an existing installation. */
  env?: Env;
  /** Reports progress, e.g. "downloading ..." (default: silent). */
  log?: (line: string) => void;
  /** The pom.xml to resolve (default: the one next to this module). */
  pomPath?: string;
}

const POM_PATH = fileURLToPath(new URL("./pom.xml", import.meta.url));
const STAMP_FILE = ".pom-sha256";

/** Tells whether `path` exists. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function hasProxyJar(dir: string): Promise<boolean> {
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (/^rocketmq-proxy-.*\.jar$/.test(entry.name)) return true;
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
  return false;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/** Picks the line of Maven output that best explains a failed download. */
export function mavenFailureCause(output: string): string {
  const lines = output.split("\n")
    .map((line) =>
      line.replace(ANSI, "").replace(/^\[ERROR\]\s*/, "").replace(/\s*->\s*\[Help \d+\]/, "")
    )
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const patterns = [
    /unknown ?host[^,;]*/i,
    /connect(?:ion)? (?:to \S+ )?(?:refused|timed out)[^,;]*/i,
    /network is unreachable/i,
    /no route to host/i,
    /Could not transfer artifact \S+/i,
    /Could not resolve dependencies[^:]*/i,
    /No plugin found for prefix '[^']*'/i,
  ];
  for (const pattern of patterns) {
    for (const line of lines) {
      const match = line.match(pattern);
      if (match) return match[0].trim();
    }
  }
  return (lines[0] ?? "no output").slice(0, 200);
}

/** Tells whether a Maven failure looks like a network problem (Maven Central unreachable). */
export function isNetworkFailure(output: string): boolean {
  return /unknown ?host|connection refused|connect timed out|timed out|network is unreachable|no route to host|could not transfer artifact|transfer failed|no plugin found for prefix/i
    .test(output);
}

/**
 * Returns the folder of RocketMQ server jars: `$ROCKETMQ_HOME/lib` when ROCKETMQ_HOME is set,
 * otherwise `.rocketmq/lib`, downloading it with Maven when missing or when pom.xml changed.
 */
export async function resolveJars(
  layout: LocalLayout,
  options: ResolveJarsOptions = {},
): Promise<ServerJars> {
  const env = options.env ?? Deno.env;
  const home = env.get("ROCKETMQ_HOME");
  if (home) {
    const libDir = join(home, "lib");
    if (!(await hasProxyJar(libDir))) {
      throw new BrokerError(
        `ROCKETMQ_HOME=${home} has no rocketmq-proxy jar in lib/: point it at a RocketMQ 5 installation or unset it to download the jars`,
      );
    }
    return { libDir, rocketmqHome: home };
  }
  const pomPath = options.pomPath ?? POM_PATH;
  const stamp = await sha256Hex(await Deno.readTextFile(pomPath));
  const stampPath = join(layout.lib, STAMP_FILE);
  if (await hasProxyJar(layout.lib)) {
    const current = await Deno.readTextFile(stampPath).catch(() => "");
    if (current.trim() === stamp) return { libDir: layout.lib };
  }
  await downloadJars(layout, pomPath, options.log);
  await Deno.writeTextFile(stampPath, stamp + "\n");
  return { libDir: layout.lib };
}

async function downloadJars(
  layout: LocalLayout,
  pomPath: string,
  log: ((line: string) => void) | undefined,
): Promise<void> {
  const partial = `${layout.lib}.partial`;
  await Deno.remove(partial, { recursive: true }).catch(() => {});
  await Deno.mkdir(layout.base, { recursive: true });
  log?.(`downloading RocketMQ server jars from Maven Central into ${layout.lib}`);
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("mvn", {
      args: [
        "-q",
        "-B",
        "-Dstyle.color=never",
        "-f",
        pomPath,
        "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies",
        `-DoutputDirectory=${partial}`,
        "-DincludeScope=runtime",
      ],
      stdout: "piped",
      stderr: "piped",
      stdin: "null",
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new BrokerError(
        "maven (mvn) was not found on PATH: install Maven 3 (e.g. apt-get install maven) or set ROCKETMQ_HOME to an existing RocketMQ 5 installation",
      );
    }
    throw error;
  }
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  if (!output.success || !(await hasProxyJar(partial))) {
    await Deno.remove(partial, { recursive: true }).catch(() => {});
    const cause = mavenFailureCause(text);
    if (isNetworkFailure(text)) {
      throw new BrokerError(
        `cannot download the RocketMQ jars from Maven Central (${cause}): check the network or proxy settings, or set ROCKETMQ_HOME to an existing RocketMQ 5 installation`,
      );
    }
    throw new BrokerError(
      `maven failed to resolve the RocketMQ jars of ${pomPath} (${cause}): run "mvn -f ${pomPath} dependency:copy-dependencies" to see the full error`,
    );
  }
  await Deno.remove(layout.lib, { recursive: true }).catch(() => {});
  await Deno.rename(partial, layout.lib);
}

/** Options of {@linkcode adminTool}. */
export interface AdminToolOptions {
  /** Java to use (default: found via JAVA_HOME or PATH). */
  java?: JavaRuntime;
  /** Jars to run the admin tool with (default: resolved like `broker:start` does). */
  jars?: ServerJars;
  /** Layout for logs and downloaded jars (default: the repository's `.rocketmq/`). */
  layout?: LocalLayout;
  /** Environment (default `Deno.env`). */
  env?: Env;
  /** Reports progress, e.g. a jar download (default: silent). */
  log?: (line: string) => void;
}

/** How to run RocketMQ's admin tool (`MQAdminStartup`). */
export interface AdminTool {
  /** The java executable. */
  command: string;
  /** JVM arguments up to the main class; the subcommand and its flags follow. */
  args: string[];
}

/**
 * Finds Java and the jars and builds the command line prefix of the admin tool.
 *
 * @param options Java, jars, layout, environment and progress output.
 * @returns The command and its leading arguments.
 * @throws {BrokerError} When Java or the jars cannot be had.
 */
export async function adminTool(options: AdminToolOptions = {}): Promise<AdminTool> {
  const layout = options.layout ?? localLayout();
  const java = options.java ?? await findJava(options.env);
  const jars = options.jars ?? await resolveJars(layout, { env: options.env, log: options.log });
  return {
    command: java.command,
    args: jvmArgs("tool", {
      javaMajor: java.major,
      libDir: jars.libDir,
      layout,
      rocketmqHome: jars.rocketmqHome,
    }),
  };
}
