/**
 * vitest globalSetup: find (or install, as root with apt) the system services the suite needs,
 * once and before any worker starts, so parallel test files never run apt at the same time.
 * A missing service fails the run with the command to install it; nothing is skipped.
 */
import { chromiumExecutable } from "./chromium.ts";
import { ensureRedisServer } from "./redis.ts";

export default function setup(): void {
  ensureRedisServer();
  chromiumExecutable();
}
