/**
 * The upcast on a current V8. Node 20's V8 (11.3) gives every object a `{ ...old, key }` spread
 * makes a hidden class of its own (crbug.com/v8/13303, fixed in V8 11.7), and that decides the
 * upcast rows in Node. Here the same subjects (bench/upcast-subjects.ts: evreg's router, copy and
 * validators, nothing rewritten) are bundled into pages of the machine's Chromium and timed there:
 * the upcast through the router and by hand, each in pages of its own, against validating the event
 * in the same page. Reported only: evreg runs on Node, and Node 22 and later ship a V8 of this line.
 */
import path from "node:path";
import { build, type Plugin } from "esbuild";
import { launchChromium } from "../test/support/chromium.ts";
import { median, type Row } from "./harness.ts";
import type { BenchOptions } from "./main.ts";
import { benchDir } from "./paths.ts";
import type { MeasureUpcast } from "./upcast-page.ts";

/** `node:` built-ins, which the timed code never calls, as modules whose every export throws. */
const nodeBuiltinsStubbed: Plugin = {
  name: "node-builtins-stubbed",
  setup(bundler) {
    bundler.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: "node-stub" }));
    bundler.onLoad({ filter: /.*/, namespace: "node-stub" }, async (args) => {
      const names = Object.keys(await import(args.path)).filter(
        (name) => name !== "default" && /^[A-Za-z_$][\w$]*$/.test(name),
      );
      const lines = [
        `const stub = () => { throw new Error("${args.path} is not available in the page"); };`,
        "export default stub;",
        ...names.map((name) => `export { stub as ${name} };`),
      ];
      return { contents: lines.join("\n"), loader: "js" };
    });
  },
};

type Subject = Parameters<MeasureUpcast>[0];

export async function currentV8Rows(options: BenchOptions): Promise<Row[]> {
  const bundled = await build({
    entryPoints: [path.join(benchDir, "upcast-page.ts")],
    bundle: true,
    write: false,
    platform: "browser",
    format: "iife",
    logLevel: "silent",
    plugins: [nodeBuiltinsStubbed],
  });
  const script = (bundled.outputFiles[0] as { text: string }).text;
  const pages = options.smoke ? 1 : 3;
  const rounds = options.smoke ? 1 : 4;
  const roundMs = options.smoke ? 5 : 100;
  const browser = await launchChromium();
  try {
    const ratios: Record<Subject, number[]> = { router: [], byHand: [] };
    // each measurement in a page of its own: the two subjects never share the code's type feedback
    for (let turn = 0; turn < pages; turn++) {
      for (const subject of ["router", "byHand"] as const) {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on("pageerror", (error) => errors.push(error.message));
        try {
          await page.addScriptTag({ content: script });
          const runs = await page
            .evaluate(
              ([which, count, ms]) =>
                (globalThis as unknown as { measureUpcast: MeasureUpcast }).measureUpcast(which, count, ms),
              [subject, rounds, roundMs] as const,
            )
            .catch((error: Error) => {
              throw new Error(`bench: the upcast page failed: ${[...errors, error.message].join("; ")}`);
            });
          ratios[subject].push(median(runs.subject) / median(runs.validate));
        } finally {
          await page.close();
        }
      }
    }
    const engine = `Chromium ${browser.version()}`;
    const baseline = `validating the event in the same page; median of ${pages} pages`;
    const row = (name: string, subject: Subject): Row => ({
      name,
      value: median(ratios[subject]),
      unit: "x validation",
      baseline,
      ratio: median(ratios[subject]),
      goal: null,
      pass: null,
    });
    return [
      row(`upcast of the typical event on a current V8 (${engine}), through the router`, "router"),
      row(`the same upcast by hand on a current V8 (${engine}), no router`, "byHand"),
    ];
  } finally {
    await browser.close();
  }
}
