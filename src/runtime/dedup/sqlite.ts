/**
 * Dedup in a SQLite file (better-sqlite3, WAL): survives restarts and is shared by processes on one
 * host. One `INSERT ... ON CONFLICT DO UPDATE ... WHERE expired RETURNING` per id is the atomic
 * check-and-set; a batch runs in one IMMEDIATE transaction, so writers queue on SQLite's lock.
 */
import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";
import { DEDUP_WINDOW_MS } from "../limits.ts";
import { type DedupStore, type StoreOptions, storeError } from "./store.ts";

export interface SqliteStoreOptions extends StoreOptions {
  /** How long a writer waits for another process's lock before failing; default 5 s. */
  busyTimeoutMs?: number;
}

/**
 * Expired marks are deleted as claims go: every SWEEP_EVERY claims, the next SWEEP_ROWS marks in id
 * order, from where the sweep before stopped (back to the first id at the end). Each sweep reads a
 * bounded slice, whatever the file holds, and the marks are read twice as fast as claims add them,
 * so the file keeps about 4/3 of a window's ids. A sweep writes only when its slice holds an
 * expired mark: a write, even one deleting nothing, ends in a commit that may checkpoint the WAL,
 * and a sweep scanning the whole table each time took a third of the store's throughput.
 */
const SWEEP_EVERY = 1_000;
const SWEEP_ROWS = 2 * SWEEP_EVERY;
/** What a sweep read: the last id of its slice (null when none was left), how many, how many expired. */
type Slice = { last: string | null; read: number; expired: number };

function explainSqliteFailure(file: string, error: unknown) {
  const code = (error as { code?: string }).code ?? "";
  if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") {
    return storeError(
      "SQLite",
      `${file} stayed locked by another connection`,
      "find the process holding a long transaction on the file, or raise busyTimeoutMs",
      error,
    );
  }
  if (code === "SQLITE_CORRUPT" || code === "SQLITE_NOTADB") {
    return storeError(
      "SQLite",
      `${file} is not a readable SQLite database`,
      `move ${file} aside (it only holds dedup marks) and let evreg create a new one`,
      error,
    );
  }
  if (code.startsWith("SQLITE_CANTOPEN") || code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_IOERR")) {
    return storeError(
      "SQLite",
      `cannot write ${file}`,
      "check that the directory exists and is writable by this process",
      error,
    );
  }
  return storeError("SQLite", `${file} failed`, "check the file and the disk", error);
}

/**
 * Runs `step` again, for up to `timeoutMs`, while SQLite answers SQLITE_BUSY. Its busy timeout does
 * not cover every lock: two connections switching a new file to WAL at the same moment can deadlock,
 * and SQLite then answers one of them at once (seen when two processes started on one new file).
 */
function whileBusy(timeoutMs: number, step: () => void): void {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      step();
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== "SQLITE_BUSY" || Date.now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, 10);
    }
  }
}

export function sqliteStore(file: string, options: SqliteStoreOptions = {}): DedupStore {
  const windowMs = options.windowMs ?? DEDUP_WINDOW_MS;
  const Database = createRequire(import.meta.url)("better-sqlite3") as typeof BetterSqlite3;
  let db: BetterSqlite3.Database;
  let claimBatch: (ids: readonly string[], now: number) => boolean[];
  let releaseBatch: (ids: readonly string[]) => void;
  try {
    const timeout = options.busyTimeoutMs ?? 5_000;
    db = new Database(file, { timeout });
    whileBusy(timeout, () => {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      db.exec(
        "CREATE TABLE IF NOT EXISTS evreg_dedup (id TEXT PRIMARY KEY, first_seen INTEGER NOT NULL) WITHOUT ROWID",
      );
    });
    const claimStatement = db.prepare<[string, number, number], { id: string }>(
      `INSERT INTO evreg_dedup (id, first_seen) VALUES (?, ?)
       ON CONFLICT (id) DO UPDATE SET first_seen = excluded.first_seen WHERE evreg_dedup.first_seen <= ?
       RETURNING id`,
    );
    const releaseStatement = db.prepare<[string]>("DELETE FROM evreg_dedup WHERE id = ?");
    const sliceStatement = db.prepare<[number, string], Slice>(
      `SELECT max(id) AS last, count(*) AS read, count(*) FILTER (WHERE first_seen <= ?) AS expired
       FROM (SELECT id, first_seen FROM evreg_dedup WHERE id > ? ORDER BY id LIMIT ${SWEEP_ROWS})`,
    );
    const sweepStatement = db.prepare<[string, string, number]>(
      "DELETE FROM evreg_dedup WHERE id > ? AND id <= ? AND first_seen <= ?",
    );
    let claimsSinceSweep = 0;
    /** The last id the sweep read; "" before the first (ids are never empty: runtime/validate.ts). */
    let sweptTo = "";
    /** Deletes the expired marks of the next slice (see SWEEP_EVERY); atomic on its own. */
    const sweep = (now: number) => {
      claimsSinceSweep = 0;
      // an aggregate: one row, even over no marks
      const { last, read, expired } = sliceStatement.get(now - windowMs, sweptTo) as Slice;
      if (expired > 0) sweepStatement.run(sweptTo, last as string, now - windowMs);
      sweptTo = read < SWEEP_ROWS || last === null ? "" : last;
    };
    const claimAll = db.transaction((ids: readonly string[], now: number) => {
      const claimed = ids.map((id) => claimStatement.get(id, now, now - windowMs) !== undefined);
      claimsSinceSweep += ids.length;
      if (claimsSinceSweep >= SWEEP_EVERY) sweep(now);
      return claimed;
    });
    // One statement is atomic on its own; a batch shares one IMMEDIATE transaction.
    claimBatch = (ids, now) => {
      if (ids.length !== 1) return claimAll.immediate(ids, now);
      if (++claimsSinceSweep >= SWEEP_EVERY) sweep(now);
      return [claimStatement.get(ids[0] as string, now, now - windowMs) !== undefined];
    };
    const releaseAll = db.transaction((ids: readonly string[]) => {
      for (const id of ids) releaseStatement.run(id);
    });
    releaseBatch = (ids) => releaseAll.immediate(ids);
  } catch (error) {
    throw explainSqliteFailure(file, error);
  }

  return {
    async claim(ids, now) {
      try {
        return claimBatch(ids, now);
      } catch (error) {
        throw explainSqliteFailure(file, error);
      }
    },
    async release(ids) {
      try {
        releaseBatch(ids);
      } catch (error) {
        throw explainSqliteFailure(file, error);
      }
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
