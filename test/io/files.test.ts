import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KanpinnInputError } from '../../src/errors.js';
import { ensureDirectory, openAtomicWriter, prepareOutputFolder, readText, repairFolder, writeFileAtomic, writeFileSet } from '../../src/io/files.js';

const folder = (): string => mkdtempSync(join(tmpdir(), 'kanpinn-files-'));

/** The id of a process that has ended: what a writer killed with kill -9 leaves in its temp names. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}

const hidden = (dir: string): string[] => readdirSync(dir).filter((n) => n.startsWith('.')).sort();

describe('ensureDirectory', () => {
  it('creates missing parents one level at a time', () => {
    const dir = join(folder(), 'a', 'b', 'c');
    ensureDirectory(dir, '--out');
    expect(existsSync(dir)).toBe(true);
  });

  it('refuses a folder under /proc at once, where a recursive mkdir spins forever', () => {
    const start = performance.now();
    expect(() => ensureDirectory('/proc/nope/deeper', '--out')).toThrow(
      new KanpinnInputError('--out: cannot create folder "/proc/nope" (the file system there takes no new folders)'),
    );
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('refuses a path that is a file, or runs through a file, naming the field', () => {
    const dir = folder();
    const file = join(dir, 'taken');
    writeFileSync(file, 'x');
    expect(() => ensureDirectory(file, '--out')).toThrow(new KanpinnInputError(`--out: "${file}" is a file, expected a folder`));
    expect(() => ensureDirectory(join(file, 'sub'), '--out')).toThrow(new KanpinnInputError(`--out: "${file}" is a file, expected a folder`));
  });
});

describe('prepareOutputFolder', () => {
  it('refuses an output name taken by a folder and leaves no probe file behind', () => {
    const dir = folder();
    mkdirSync(join(dir, 'model.json'));
    expect(() => prepareOutputFolder(dir, '--out', ['model.json'])).toThrow(/^--out: ".*model\.json" is a folder; the output file model\.json cannot replace it$/);
    prepareOutputFolder(dir, '--out', ['metrics.json']);
    expect(hidden(dir)).toEqual([]);
  });
});

describe('writeFileSet', () => {
  it('writes every file of the set and leaves no temp file or journal', async () => {
    const dir = join(folder(), 'out');
    const paths = await writeFileSet(dir, [
      { name: 'a.json', contents: '{"a":1}\n' },
      { name: 'b.csv', contents: 'x\n1\n' },
    ]);
    expect(paths).toEqual([join(dir, 'a.json'), join(dir, 'b.csv')]);
    expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe('{"a":1}\n');
    expect(readFileSync(join(dir, 'b.csv'), 'utf8')).toBe('x\n1\n');
    expect(hidden(dir)).toEqual([]);
  });

  it('refuses a name with a folder separator', async () => {
    await expect(writeFileSet(folder(), [{ name: '../escape', contents: '' }])).rejects.toThrow('writeFileSet: "../escape" must be a plain file name');
  });

  it('deletes the temp files of a writer killed with kill -9 on the next write, and keeps those of live writers', async () => {
    const dir = folder();
    const dead = deadPid();
    writeFileSync(join(dir, `.model.json.${dead}.1700000000000.tmp`), '{"half":');
    writeFileSync(join(dir, `.report.html.${dead}.1700000000001.tmp`), '<html');
    const live = `.model.json.${process.pid}.1700000000002.tmp`;
    writeFileSync(join(dir, live), 'mine');
    await writeFileAtomic(join(dir, 'model.json'), 'new\n');
    expect(hidden(dir)).toEqual([live]);
    expect(readFileSync(join(dir, 'model.json'), 'utf8')).toBe('new\n');
  });

  it('finishes the renames of a set whose writer died between two renames', () => {
    const dir = folder();
    const dead = deadPid();
    writeFileSync(join(dir, 'a.json'), 'new a');
    writeFileSync(join(dir, 'b.csv'), 'old b');
    const tempB = `.b.csv.${dead}.1700000000001.tmp`;
    writeFileSync(join(dir, tempB), 'new b');
    // The journal names both renames; a.json's was done before the kill.
    writeFileSync(join(dir, `.kanpinn-commit.${dead}.1700000000002.json`), JSON.stringify([[`.a.json.${dead}.1700000000000.tmp`, 'a.json'], [tempB, 'b.csv']]));
    repairFolder(dir);
    expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe('new a');
    expect(readFileSync(join(dir, 'b.csv'), 'utf8')).toBe('new b');
    expect(hidden(dir)).toEqual([]);
  });

  it('leaves the journal of a live writer alone', () => {
    const dir = folder();
    const journal = `.kanpinn-commit.${process.pid}.1700000000002.json`;
    writeFileSync(join(dir, journal), '[]');
    repairFolder(dir);
    expect(hidden(dir)).toEqual([journal]);
  });
});

describe('openAtomicWriter', () => {
  it('keeps the old file while the pieces are written, and replaces it whole on close', () => {
    const dir = folder();
    const file = join(dir, 'u.csv');
    writeFileSync(file, 'old\n');
    const writer = openAtomicWriter(file);
    writer.write('x,u\n');
    writer.write('0,1\n');
    expect(readFileSync(file, 'utf8')).toBe('old\n');
    writer.close();
    expect(readFileSync(file, 'utf8')).toBe('x,u\n0,1\n');
    expect(hidden(dir)).toEqual([]);
  });

  it('leaves the old file and no temp file on abort', () => {
    const dir = folder();
    const file = join(dir, 'u.csv');
    writeFileSync(file, 'old\n');
    const writer = openAtomicWriter(file);
    writer.write('half');
    writer.abort();
    expect(readFileSync(file, 'utf8')).toBe('old\n');
    expect(hidden(dir)).toEqual([]);
  });
});

describe('readText', () => {
  it('names the field and the reason when a file cannot be read', () => {
    const dir = folder();
    expect(() => readText(join(dir, 'none.json'), 'problem')).toThrow(new KanpinnInputError(`problem: cannot read "${join(dir, 'none.json')}" (no such file)`));
    expect(() => readText(dir, 'reference')).toThrow(new KanpinnInputError(`reference: cannot read "${dir}" (it is a directory)`));
  });
});
