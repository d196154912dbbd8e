import assert from "node:assert/strict";
import { Semaphore } from "../../worker/semaphore.ts";

Deno.test("at most `size` tasks run at once, waiting ones run in order", async () => {
  const semaphore = new Semaphore(2);
  let running = 0;
  let peak = 0;
  const order: number[] = [];
  await Promise.all(Array.from({ length: 6 }, (_, i) =>
    semaphore.run(async () => {
      running++;
      peak = Math.max(peak, running);
      order.push(i);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
    })));
  assert.equal(peak, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5]);
});

Deno.test("a failing task frees its slot", async () => {
  const semaphore = new Semaphore(1);
  await assert.rejects(() => semaphore.run(() => Promise.reject(new Error("boom"))), /boom/);
  assert.equal(await semaphore.run(() => Promise.resolve(7)), 7);
  assert.throws(() => new Semaphore(0), /positive integer, got 0/);
});
