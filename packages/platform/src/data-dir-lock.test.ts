import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirInUseError, lockPath, readDataDirLock } from './data-dir-lock.ts';

describe('data dir lock', () => {
  it('refuses a second holder while the first is alive', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kite-lock-'));
    // A live process other than us holds the lock: our parent.
    writeFileSync(lockPath(dir), JSON.stringify({ pid: process.ppid, startedAt: 'earlier' }));
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirInUseError);
  });

  it('takes over a lock left by a dead process, and releases it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kite-lock-'));
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(lockPath(dir), JSON.stringify({ pid: Number(dead), startedAt: 'long ago' }));
    const lock = acquireDataDirLock(dir);
    lock.update({ adminUrl: 'http://127.0.0.1:1', adminSecret: 's' });
    expect(JSON.parse(readFileSync(lockPath(dir), 'utf8'))).toMatchObject({ pid: process.pid, adminUrl: 'http://127.0.0.1:1' });
    expect(readDataDirLock(dir)?.pid).toBe(process.pid);
    lock.release();
    expect(readDataDirLock(dir)).toBeUndefined();
  });
});
