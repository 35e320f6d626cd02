import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (file: string) => fileURLToPath(new URL(`./src/${file}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^evreg$/, replacement: src("index.ts") },
      { find: /^evreg\/runtime$/, replacement: src("runtime/index.ts") },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/system-services.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    typecheck: {
      enabled: true,
      include: ["test/**/*.test-d.ts"],
      tsconfig: "./tsconfig.json",
      // TypeScript 5.9 by path: the `typescript7` alias (TypeScript 7) also installs a `tsc`, and which
      // one node_modules/.bin/tsc links to depends on install history.
      checker: fileURLToPath(new URL("./node_modules/typescript/bin/tsc", import.meta.url)),
    },
  },
});
