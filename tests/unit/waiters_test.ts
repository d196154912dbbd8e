import assert from "node:assert/strict";
import { Waiters } from "../helpers/waiters.ts";

Deno.test("a waiter resolves on the notify that makes its condition true", async () => {
  const waiters = new Waiters();
  let count = 0;
  const waiting = waiters.until(() => count >= 2, {
    timeoutMs: 5000,
    failure: () => `only ${count}`,
  });
  let settled = false;
  waiting.then(() => settled = true, () => settled = true);
  count = 1;
  waiters.notify();
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(settled, false, "resolved although its condition was still false");
  count = 2;
  waiters.notify();
  await waiting;
  await waiters.until(() => count >= 2, { timeoutMs: 5000, failure: () => "already true" });
});

Deno.test("a waiter rejects with the failure text after its timeout", async () => {
  const waiters = new Waiters();
  await assert.rejects(waiters.until(() => false, { timeoutMs: 10, failure: () => "never came" }), {
    message: "never came",
  });
});
