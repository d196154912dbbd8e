/**
 * Where the local RocketMQ keeps its jars, configuration, data, logs and pid files.
 *
 * Everything lives under `.rocketmq/` at the repository root (ignored by git), never in $HOME.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Paths used by the local broker, all below {@linkcode LocalLayout.base}. */
export interface LocalLayout {
  /** The `.rocketmq` folder. */
  base: string;
  /** Downloaded server jars (kept by `wipe`). */
  lib: string;
  /** Rendered configuration files (broker.conf, proxy.json, namesrv.properties). */
  conf: string;
  /** Message store (commitlog, consume queues, broker metadata). */
  store: string;
  /** Stdout/stderr of the JVMs; RocketMQ's own logs go to `logs/rocketmqlogs`. */
  logs: string;
  /** Pid files of the started JVMs. */
  run: string;
}

/** The repository root: the parent of the folder holding this module. */
export function repoRoot(): string {
  return dirname(dirname(fileURLToPath(import.meta.url)));
}

/** Returns the layout of `.rocketmq/` below `root` (default: the repository root). */
export function localLayout(root: string = repoRoot()): LocalLayout {
  const base = join(root, ".rocketmq");
  return {
    base,
    lib: join(base, "lib"),
    conf: join(base, "conf"),
    store: join(base, "store"),
    logs: join(base, "logs"),
    run: join(base, "run"),
  };
}
