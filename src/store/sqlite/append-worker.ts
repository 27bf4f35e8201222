/**
 * Worker thread entry: the event log's only writer for a SQLite file. Publish bodies are parsed and prepared
 * here and appends and their fsync run here, so the main thread's event loop does neither (it keeps serving
 * requests and delivering meanwhile); the main connection keeps reading (WAL: each of its statements sees every
 * commit that returned before it started). Spawned by append-worker-client.ts; the loop is append-server.ts.
 */
import { closeSync, fdatasync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { AppendWorkerData, AppendWorkerReply } from './append-protocol.ts';
import { serveAppends, type SyncWal } from './append-server.ts';
import { prepareGroupAppend } from './append-transaction.ts';
import { durabilitySettings, openSqliteConnection } from './connection.ts';
import { preparePublish } from './prepare-publish.ts';

/**
 * The main connection checkpoints nothing while this worker runs (adapter.ts). Our commits checkpoint as usual
 * (wal_autocheckpoint); this timer covers the main connection's own writes (cursors, configs) while no
 * publishing keeps us committing.
 */
const IDLE_CHECKPOINT_MS = 30_000;
/** A checkpoint every ~40 MB of WAL (in pages of the file's own size: set when the file was created). */
const WAL_CHECKPOINT_BYTES = 40 * 1024 * 1024;

const { path, busyTimeoutMs } = workerData as AppendWorkerData;
const port = parentPort!;
// NORMAL: COMMIT does not fsync; syncWal does, before any reply (see append-server.ts).
const raw = openSqliteConnection(path, { busyTimeoutMs, synchronous: 'NORMAL' });
// A checkpoint every ~40 MB of WAL instead of SQLite's default 1,000 pages: at full speed that was one after
// almost every group, each rewriting the same index pages into the database file and syncing it (~10% of an append).
const pageSize = Number(raw.pragma('page_size', { simple: true }));
raw.pragma(`wal_autocheckpoint = ${Math.ceil(WAL_CHECKPOINT_BYTES / pageSize)}`);
const appendGroup = prepareGroupAppend(raw);

/**
 * fdatasync of the WAL file, where every COMMIT has written its frames: afterwards all of them survive a power
 * loss (frames that reached the database file by a checkpoint were synced there by SQLite first). The WAL file
 * is never deleted while this connection is open, so the descriptor stays valid; opened at the first sync, when
 * a commit has certainly created the file.
 */
let walFd: number | undefined;
const syncWal: SyncWal = (done) => {
  try {
    walFd ??= openSync(`${path}-wal`, 'r+');
  } catch (err) {
    done(err as Error);
    return;
  }
  fdatasync(walFd, done);
};

const checkpoints = setInterval(() => raw.pragma('wal_checkpoint(PASSIVE)'), IDLE_CHECKPOINT_MS);
checkpoints.unref();
port.postMessage({ kind: 'ready', ...durabilitySettings(raw), walSync: true } satisfies AppendWorkerReply);
serveAppends(port, appendGroup, {
  preparePublish,
  syncWal,
  onClose: () => {
    clearInterval(checkpoints);
    if (walFd !== undefined) closeSync(walFd);
    raw.close();
  },
});
