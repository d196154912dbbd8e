import assert from "node:assert/strict";
import { V8_FLAGS_ARG } from "../../shared/v8_flags.ts";

Deno.test("deno task api and worker run with the same V8 flags as tests, dev and binaries", async () => {
  const deno = JSON.parse(
    await Deno.readTextFile(new URL("../../deno.json", import.meta.url)),
  ) as { tasks: Record<string, { command: string }> };
  for (const task of ["api", "worker"]) {
    assert.match(
      deno.tasks[task].command,
      new RegExp(`^deno run -A ${V8_FLAGS_ARG.replaceAll(".", "\\.")} ${task}/main\\.ts$`),
      `deno.json task ${task}`,
    );
  }
});
