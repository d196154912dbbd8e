import assert from "node:assert/strict";
import { v8FlagsArg } from "../../shared/v8_flags.ts";

Deno.test("deno task api and worker run with the same V8 flags as tests, dev and binaries", async () => {
  const deno = JSON.parse(
    await Deno.readTextFile(new URL("../../deno.json", import.meta.url)),
  ) as { tasks: Record<string, { command: string }> };
  for (const task of ["api", "worker"]) {
    const entry = `${task}/main.ts`;
    assert.equal(deno.tasks[task].command, `deno run -A ${v8FlagsArg(entry)} ${entry}`);
  }
});

Deno.test("the API gets the larger young generation, the worker the smaller", () => {
  assert.match(v8FlagsArg("api/main.ts"), /--max-semi-space-size=8(,|$)/);
  assert.match(v8FlagsArg("worker/main.ts"), /--max-semi-space-size=4(,|$)/);
});

Deno.test("an entry point of neither service has no V8 flags", () => {
  assert.throws(() => v8FlagsArg("rocketmq/cli.ts"), /"rocketmq\/cli\.ts"/);
});
