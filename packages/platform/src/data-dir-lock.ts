import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What a running server writes into its data dir. It keeps a second server off the same PGlite files
 * (two writers would corrupt them) and tells the CLI where to reach the running server: the admin
 * channel is authenticated by `adminSecret`, which only processes that can read the data dir know.
 */
export interface DataDirLock {
  pid: number;
  startedAt: string;
  /** Set once the server listens. */
  adminUrl?: string;
  adminSecret?: string;
}

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: DataDirLock,
  ) {
    super(
      `The data directory ${dataDir} is in use by another Kite process (pid ${holder.pid}, started ${holder.startedAt}). ` +
        'Stop that process first, or point KITE_DATA_DIR at another directory.',
    );
    this.name = 'DataDirInUseError';
  }
}

const LOCK_FILE = 'kite.lock';

export function lockPath(dataDir: string): string {
  return join(dataDir, LOCK_FILE);
}

export function readDataDirLock(dataDir: string): DataDirLock | undefined {
  try {
    const lock = JSON.parse(readFileSync(lockPath(dataDir), 'utf8')) as DataDirLock;
    return isAlive(lock.pid) ? lock : undefined;
  } catch {
    return undefined;
  }
}

export function acquireDataDirLock(dataDir: string): { update(patch: Partial<DataDirLock>): void; release(): void } {
  mkdirSync(dataDir, { recursive: true });
  const path = lockPath(dataDir);
  let lock: DataDirLock = { pid: process.pid, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify(lock));
      closeSync(fd);
      return {
        update(patch) {
          lock = { ...lock, ...patch };
          writeFileSync(path, JSON.stringify(lock), { mode: 0o600 });
        },
        release() {
          const current = readDataDirLock(dataDir);
          if (!current || current.pid === process.pid) rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readDataDirLock(dataDir);
      if (holder && holder.pid !== process.pid) throw new DataDirInUseError(dataDir, holder);
      // The holder died without cleaning up: take the lock over.
      rmSync(path, { force: true });
    }
  }
  throw new Error(`Could not lock the data directory ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
