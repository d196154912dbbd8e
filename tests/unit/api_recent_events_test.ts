import assert from "node:assert/strict";
import { RecentEvents } from "../../api/recent_events.ts";

Deno.test("stored topics are remembered per id until they expire", () => {
  let now = 0;
  const recent = new RecentEvents({ ttlMs: 1000, maxEntries: 10, now: () => now });
  recent.markStored("a", "t1");
  recent.markStored("a", "t2");
  assert.deepEqual([...recent.storedTopics("a")], ["t1", "t2"]);
  assert.deepEqual([...recent.storedTopics("b")], []);
  now = 999;
  assert.equal(recent.storedTopics("a").size, 2);
  now = 1000;
  assert.equal(recent.storedTopics("a").size, 0);
});

Deno.test("the oldest ids are forgotten beyond the size bound", () => {
  const recent = new RecentEvents({ ttlMs: 1000, maxEntries: 2 });
  recent.markStored("a", "t");
  recent.markStored("b", "t");
  recent.markStored("c", "t");
  assert.equal(recent.size, 2);
  assert.equal(recent.storedTopics("a").size, 0);
  assert.equal(recent.storedTopics("c").size, 1);
});

Deno.test("tasks for one id run one at a time, other ids run alongside", async () => {
  const recent = new RecentEvents({ ttlMs: 1000, maxEntries: 10 });
  const log: string[] = [];
  async function task(name: string, ms: number) {
    log.push(`start ${name}`);
    await new Promise((resolve) => setTimeout(resolve, ms));
    log.push(`end ${name}`);
  }
  await Promise.all([
    recent.exclusive("x", () => task("x1", 30)),
    recent.exclusive("x", () => task("x2", 1)),
    recent.exclusive("y", () => task("y", 1)),
  ]);
  assert.deepEqual(log.slice(0, 2), ["start x1", "start y"]);
  assert.ok(log.indexOf("end x1") < log.indexOf("start x2"));
});
