/** The sweep's output folder: `DIR/runs/<id>/` per run, `run.json` in it once the run has finished. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/internal.js';
import { RECORD_FILE, type RunRecord } from './records.js';

/** The folder of one run. */
export function runDir(out: string, id: string): string {
  return join(out, 'runs', id);
}

/** The record of a finished run, or null when it has not finished (or its record is unreadable). */
export function readRecord(out: string, id: string): RunRecord | null {
  const path = join(runDir(out, id), RECORD_FILE);
  if (!existsSync(path)) return null;
  try {
    const record = JSON.parse(readFileSync(path, 'utf8')) as RunRecord;
    return record.id === id && typeof record.summary === 'object' ? record : null;
  } catch {
    return null;
  }
}

/** Writes files sent back by a remote worker, then the record last (so a partial copy never counts as finished). */
export async function writeRemoteRun(out: string, record: RunRecord, files: Record<string, string>): Promise<void> {
  const dir = runDir(out, record.id);
  for (const [name, text] of Object.entries(files)) {
    if (name === RECORD_FILE || name.includes('/') || name.includes('\\')) continue;
    await writeFileAtomic(join(dir, name), text);
  }
  await writeFileAtomic(join(dir, RECORD_FILE), `${JSON.stringify({ ...record, files: [...Object.keys(files).filter((n) => n !== RECORD_FILE), RECORD_FILE] }, null, 2)}\n`);
}
