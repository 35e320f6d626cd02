/**
 * `evreg generate`: plans every output file in memory, then either swaps the whole output folder
 * in at once (written to a sibling temp folder, then renamed) or, with --check, names the files
 * that differ. A failure before the swap leaves the old output untouched.
 */
import { readFileSync } from "node:fs";
import { readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { type Issue, RegistryError } from "../errors.ts";
import type { EventDefinition, Registry } from "../registry/define.ts";
import { systemRegistry } from "../registry/system.ts";
import type { CatalogLinks } from "./catalog/links.ts";
import { renderCatalog } from "./catalog/render.ts";
import { CLIENT_NAMES, dataTypeName, defTypeName, helperPath, renderClient } from "./client.ts";
import type { FileHashes } from "./fingerprint.ts";
import { type CompilerThread, startValidators, validatorExportName } from "./validators.ts";

/** Relative path (with `/`) -> file content. Order does not matter; content is deterministic. */
export type GeneratedFiles = Map<string, string>;

/** `billing/invoice.paid` 1.0.0 -> `schemas/billing/invoice.paid/1.0.0.json`, safe for any name. */
export function schemaFilePath(name: string, version: string): string {
  const segment = (part: string) => {
    const safe = encodeURIComponent(part);
    return safe === "." || safe === ".." || safe === "" ? `%2E${safe.slice(1)}_` : safe;
  };
  return ["schemas", ...name.split("/").map(segment), `${segment(version)}.json`].join("/");
}

/** Receives each batch of planned files as soon as it is ready (see `openOutputWriter`). */
export type FileSink = (files: GeneratedFiles) => void;

export interface PlanOptions {
  /** Producers and consumers found in code, for the catalog's graph. */
  links?: CatalogLinks;
  /** Plan the catalog under `catalog/` (default true). */
  catalog?: boolean;
  /** Gets each batch of files as soon as it is ready, so writing overlaps the rest of planning. */
  sink?: FileSink;
  /** A thread started ahead to compile the validators (validators.ts `startValidators`); its starter stops it. */
  thread?: CompilerThread;
}

/** The fix for two `$defs` keys that give one type. */
const DEF_FIX =
  "change one of the ids given in .meta({ id }): ids that differ only in punctuation or case get one type";

/**
 * Names two event versions, or an event and the client itself, would share in the generated code:
 * a type of events.ts (names that differ only in punctuation or case give the same one:
 * `shop-order/item.added` and `shop/order-item.added` both `ShopOrderItemAdded`; so do `$defs` keys
 * `node-x` and `node_x`), an export of validators.js, or a domain's helpers named like one of the
 * client's own exports (`send`). Checked before anything is compiled: such code would not load, or
 * would type one event as another.
 */
export function generatedNameIssues(events: readonly EventDefinition[]): Issue[] {
  const issues: Issue[] = [];
  const fix = "rename one of them: names that differ only in punctuation or case get the same generated names";
  /** Per file, each generated name and the event version it was first given to. */
  const owners = { "events.ts": new Map<string, string>(), "validators.js": new Map<string, string>() };
  const report = (rule: string, event: EventDefinition, message: string, fixing: string) =>
    issues.push({ rule, severity: "error", event: event.name, message, fix: fixing });
  const claim = (file: keyof typeof owners, name: string, event: EventDefinition, label: string, what = fix) => {
    const owner = owners[file].get(name);
    if (owner !== undefined)
      report("codegen/name-clash", event, `${owner} and ${label} both become ${name} in generated/${file}`, what);
    else if (file === "events.ts" && CLIENT_NAMES.has(name))
      report(
        "codegen/name-clash",
        event,
        `${label} becomes the type ${name}, which generated/events.ts declares for itself`,
        "rename the event",
      );
    owners[file].set(name, owner ?? label);
  };
  for (const event of events) {
    for (const { v, dataSchema } of event.versions) {
      const label = event.versioned ? `${event.name} ${v}` : event.name;
      const typeName = dataTypeName(event, v);
      claim("events.ts", typeName, event, label);
      // the types of the schemas zod moved to `$defs` (a `.meta({ id })`, a recursive part)
      for (const key of Object.keys(dataSchema.$defs ?? {}))
        claim("events.ts", defTypeName(typeName, key), event, `${label} ($defs/${key})`, DEF_FIX);
      claim("validators.js", validatorExportName(event.name, v), event, label);
    }
    const [group] = helperPath(event.name);
    if (CLIENT_NAMES.has(group))
      report(
        "codegen/helper-name",
        event,
        `the domain of ${event.name} becomes the helpers ${group}, which generated/events.ts exports for itself`,
        "rename the domain",
      );
  }
  return issues;
}

/**
 * Everything `evreg generate` writes, handing each batch to `sink` as soon as it is ready. The
 * validators compile on `thread`, when given, while this thread plans the catalog, the JSON Schemas
 * and the client, which are written meanwhile; then the validators come.
 */
export async function planOutput(registry: Registry, options: PlanOptions = {}): Promise<GeneratedFiles> {
  const registries = [registry, systemRegistry];
  const clashes = generatedNameIssues(registries.flatMap((each) => each.events));
  if (clashes.length > 0) throw new RegistryError("Cannot generate code for the registry:", clashes);
  const files: GeneratedFiles = new Map();
  const ready = (batch: GeneratedFiles) => {
    for (const [file, content] of batch) files.set(file, content);
    options.sink?.(batch);
  };
  const validators = startValidators(registries, options.thread);
  if (options.catalog !== false) {
    const catalog = await renderCatalog(registry, options.links ? { links: options.links } : {});
    ready(new Map([...catalog].map(([file, content]) => [`catalog/${file}`, content])));
  }
  const schemas: GeneratedFiles = new Map();
  for (const event of registries.flatMap((each) => each.events)) {
    for (const version of event.versions) {
      schemas.set(schemaFilePath(event.name, version.v), `${JSON.stringify(version.envelopeSchema, null, 2)}\n`);
    }
  }
  ready(schemas);
  ready(new Map([["events.ts", renderClient(registry, systemRegistry)]]));
  const { js, dts } = await validators.finish();
  ready(
    new Map([
      ["validators.js", js],
      ["validators.d.ts", dts],
    ]),
  );
  return files;
}

async function listFiles(root: string, dir = ""): Promise<string[]> {
  const entries = await readdir(path.join(root, dir), { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map((entry) => {
      const relative = dir ? `${dir}/${entry.name}` : entry.name;
      return entry.isDirectory() ? listFiles(root, relative) : Promise.resolve([relative]);
    }),
  );
  return nested.flat();
}

export interface StaleReport {
  changed: string[];
  missing: string[];
  extra: string[];
}

/**
 * Compares the planned files with what `outDir` holds. Reads are synchronous: thousands of small
 * files, and an await per file spent more time waking up than reading.
 */
export async function findStaleFiles(outDir: string, files: GeneratedFiles): Promise<StaleReport> {
  const present = new Set(await listFiles(outDir));
  const report: StaleReport = { changed: [], missing: [], extra: [] };
  for (const [file, content] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    if (!present.has(file)) report.missing.push(file);
    else if (readFileSync(path.join(outDir, file), "utf8") !== content) report.changed.push(file);
  }
  report.extra = [...present].filter((file) => !files.has(file)).sort();
  return report;
}

/**
 * The worker behind `openOutputWriter`, as plain CommonJS so it runs the same from source and from
 * dist/. Each batch comes as one transferred buffer of UTF-8 bytes and an index of
 * `[file, start, end]`: nothing is copied or decoded on the way. It writes each file into the temp
 * folder (one mkdir per folder, then synchronous writes), hashing its bytes as fingerprint.ts
 * hashes the text, and answers the final `null` with the first failure, or the hashes.
 *
 * Writing competes with the main thread for the CPU, and the command waits on the main thread, not
 * on the writes: the worker first lowers its own priority to the lowest (Linux gives each thread its
 * own nice value; elsewhere, or when refused, it keeps the default). Measured at 1,000 events on
 * two cores, six paired cold runs: 0.2 s off `evreg generate` for the priority, about 0.1 s more
 * (and 13,000 fewer page faults) for the transfer.
 */
const WRITER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { mkdirSync, readlinkSync, writeFileSync } = require("node:fs");
const { setPriority } = require("node:os");
const path = require("node:path");
try {
  setPriority(Number(path.basename(readlinkSync("/proc/thread-self"))), 19);
} catch {}
const folders = new Set();
const hashes = {};
let failure = null;
parentPort.on("message", (batch) => {
  if (batch === null) {
    parentPort.postMessage({ failure, hashes });
    parentPort.close();
    return;
  }
  if (failure) return;
  try {
    for (const [file, start, end] of batch.index) {
      const target = path.join(workerData.temp, file);
      const folder = path.dirname(target);
      if (!folders.has(folder)) {
        mkdirSync(folder, { recursive: true });
        folders.add(folder);
      }
      const content = new Uint8Array(batch.bytes, start, end - start);
      writeFileSync(target, content);
      hashes[file] = createHash("sha256").update(content).digest("hex");
    }
  } catch (error) {
    failure = { message: error.message, code: error.code };
  }
});
`;

/** A batch as the writer takes it: every file's UTF-8 in one buffer, to transfer rather than copy. */
interface WriterBatch {
  index: [file: string, start: number, end: number][];
  bytes: ArrayBuffer;
}

function encodeBatch(files: GeneratedFiles): WriterBatch {
  let size = 0;
  for (const content of files.values()) size += Buffer.byteLength(content);
  const bytes = Buffer.allocUnsafeSlow(size);
  let offset = 0;
  const index = [...files].map(([file, content]): [string, number, number] => {
    const start = offset;
    offset += bytes.write(content, offset);
    return [file, start, offset];
  });
  return { index, bytes: bytes.buffer as ArrayBuffer };
}

export interface OutputWriter {
  /** Queues files for the temp folder; they are written while the caller goes on computing. */
  add(files: GeneratedFiles): void;
  /** Waits for every queued file, then swaps the temp folder in for `outDir`; the sha256 of each file written. */
  commit(): Promise<FileHashes>;
  /** Drops the temp folder; `outDir` stays as it was. */
  discard(): Promise<void>;
}

/**
 * Writes files into a temp folder beside `outDir` on a worker thread, so writing (about 3,000
 * files at 1,000 events, mostly time in the kernel) overlaps with planning the rest of the output
 * (the validators compile) instead of following it. `commit` swaps the folder in with renames, so a
 * failure at any point leaves the old output untouched.
 */
export function openOutputWriter(outDir: string): OutputWriter {
  const target = path.resolve(outDir);
  const temp = path.join(path.dirname(target), `.evreg-tmp-${path.basename(target)}-${process.pid}-${Date.now()}`);
  const worker = new Worker(WRITER_SOURCE, { eval: true, workerData: { temp } });
  const finished = new Promise<{ failure: { message: string; code?: string } | null; hashes: FileHashes }>(
    (resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
      worker.once("exit", () => reject(new Error("evreg: the output writer stopped before finishing")));
    },
  );
  // a discarded writer's outcome is not awaited
  finished.catch(() => {});
  const drop = async () => {
    await worker.terminate();
    await rm(temp, { recursive: true, force: true });
  };
  return {
    add(files) {
      const batch = encodeBatch(files);
      worker.postMessage(batch, [batch.bytes]);
    },
    async commit() {
      const backup = `${temp}-old`;
      try {
        worker.postMessage(null);
        const { failure, hashes } = await finished;
        if (failure) throw Object.assign(new Error(failure.message), failure.code ? { code: failure.code } : {});
        const hadOutput = await rename(target, backup).then(
          () => true,
          (error: NodeJS.ErrnoException) => {
            if (error.code === "ENOENT") return false;
            throw error;
          },
        );
        try {
          await rename(temp, target);
        } catch (error) {
          if (hadOutput) await rename(backup, target);
          throw error;
        }
        await rm(backup, { recursive: true, force: true });
        return hashes;
      } finally {
        await drop();
      }
    },
    discard: drop,
  };
}

/** Writes all files to a temp folder beside `outDir`, then swaps it in (see `openOutputWriter`). */
export async function writeGeneratedFiles(outDir: string, files: GeneratedFiles): Promise<void> {
  const writer = openOutputWriter(outDir);
  writer.add(files);
  await writer.commit();
}
