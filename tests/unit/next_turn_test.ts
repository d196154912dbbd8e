import assert from "node:assert/strict";
import { createNextTurnStarter } from "../../shared/next_turn.ts";

Deno.test("tasks of one turn start together in the next, in order", async () => {
  const startNextTurn = createNextTurnStarter();
  const started: number[] = [];
  const results = [1, 2, 3].map((n) =>
    startNextTurn(() => {
      started.push(n);
      return Promise.resolve(n * 10);
    })
  );
  await Promise.resolve();
  assert.deepEqual(started, [], "started within the turn that handed them over");
  assert.deepEqual(await Promise.all(results), [10, 20, 30]);
  assert.deepEqual(started, [1, 2, 3]);
  // a later turn's task starts on its own
  assert.equal(await startNextTurn(() => Promise.resolve("later")), "later");
});

Deno.test("a failing task rejects its own promise only", async () => {
  const startNextTurn = createNextTurnStarter();
  const rejecting = startNextTurn(() => Promise.reject(new Error("broker said no")));
  const throwing = startNextTurn((): Promise<string> => {
    throw new Error("threw before returning a promise");
  });
  const fine = startNextTurn(() => Promise.resolve("stored"));
  await assert.rejects(rejecting, /broker said no/);
  await assert.rejects(throwing, /threw before returning a promise/);
  assert.equal(await fine, "stored");
});
