import assert from "node:assert/strict";
import {
  isNetworkFailure,
  jvmArgs,
  MAIN_CLASS,
  mavenFailureCause,
  parseJavaMajor,
} from "../../rocketmq/java.ts";
import { localLayout } from "../../rocketmq/layout.ts";

Deno.test("parseJavaMajor reads modern and 1.x version strings", () => {
  assert.equal(parseJavaMajor('openjdk version "17.0.15" 2025-04-15'), 17);
  assert.equal(parseJavaMajor('java version "1.8.0_392"'), 8);
  assert.equal(parseJavaMajor('openjdk version "21" 2023-09-19'), 21);
  assert.equal(parseJavaMajor("command not found"), undefined);
});

Deno.test("jvmArgs keeps user.home and logs below .rocketmq and ends with the main class", () => {
  const layout = localLayout("/repo");
  const args = jvmArgs("broker", { javaMajor: 17, libDir: "/repo/.rocketmq/lib", layout });
  assert.ok(args.includes("-Duser.home=/repo/.rocketmq"));
  assert.ok(args.includes("-Drocketmq.log.root=/repo/.rocketmq/logs/rocketmqlogs"));
  assert.ok(args.includes("-Drocketmq.home.dir=/repo/.rocketmq"));
  assert.ok(args.includes("-Xmx768m"));
  assert.ok(args.includes("--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED"));
  assert.deepEqual(args.slice(-3), ["-cp", "/repo/.rocketmq/lib/*", MAIN_CLASS.broker]);
});

Deno.test("jvmArgs sizes each role and skips module flags before Java 9", () => {
  const layout = localLayout("/repo");
  const namesrv = jvmArgs("namesrv", {
    javaMajor: 8,
    libDir: "/lib",
    layout,
    rocketmqHome: "/rmq",
  });
  assert.ok(namesrv.includes("-Xmx256m"));
  assert.ok(namesrv.includes("-Drocketmq.home.dir=/rmq"));
  assert.ok(!namesrv.some((arg) => arg.startsWith("--add-")));
  assert.equal(namesrv.at(-1), MAIN_CLASS.namesrv);
});

Deno.test("mavenFailureCause and isNetworkFailure pick out an unreachable Maven Central", () => {
  const output =
    "[ERROR] Failed to execute goal on project x: Could not resolve dependencies for " +
    "project local:x:pom:1: Failed to collect dependencies at org.apache.rocketmq:rocketmq-proxy:jar:5.3.3: " +
    "Failed to read artifact descriptor: Could not transfer artifact org.apache.rocketmq:rocketmq-proxy:pom:5.3.3 " +
    "from/to central (https://repo.maven.apache.org/maven2): Unknown host repo.maven.apache.org -> [Help 1]";
  assert.ok(isNetworkFailure(output));
  assert.equal(mavenFailureCause(output), "Unknown host repo.maven.apache.org");
  assert.ok(!isNetworkFailure("[ERROR] Non-parseable POM /x/pom.xml: unexpected markup"));
  assert.equal(
    mavenFailureCause("[ERROR] Non-parseable POM /x/pom.xml: unexpected markup"),
    "Non-parseable POM /x/pom.xml: unexpected markup",
  );
});
