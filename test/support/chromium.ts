/**
 * The real Chromium for browser tests: Debian's /usr/bin/chromium driven by playwright-core.
 * When it is missing and we are root with apt, it is installed; otherwise the tests fail with the
 * command to run. Browser tests never skip silently.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
const INSTALL = "apt-get update && apt-get -o DPkg::Lock::Timeout=600 install -y chromium";

/** Flags this machine needs: no sandbox as root, and no background calls into a closed network. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function found(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return CANDIDATES.find((file) => existsSync(file));
}

/** The Chromium executable, installing it with apt when possible. Throws with the command otherwise. */
export function chromiumExecutable(): string {
  const existing = found();
  if (existing) return existing;
  const root = process.getuid?.() === 0;
  const apt = existsSync("/usr/bin/apt-get");
  if (root && apt) {
    try {
      execFileSync("sh", ["-c", `${INSTALL} >/dev/null`], { stdio: ["ignore", "ignore", "pipe"], timeout: 600_000 });
    } catch (error) {
      throw new Error(
        `Installing Chromium failed (${(error as Error).message.split("\n")[0]}); run as root: ${INSTALL}`,
      );
    }
    const installed = found();
    if (installed) return installed;
  }
  throw new Error(
    `Chromium is not installed (looked for ${CANDIDATES.join(", ")}). Browser tests need it; run as root: ${INSTALL}` +
      " (or set CHROMIUM_PATH to a Chromium executable)",
  );
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS, headless: true });
}
