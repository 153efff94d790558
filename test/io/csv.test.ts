import { describe, expect, it } from 'vitest';
import { parseCsv, splitTrainTest } from '../../src/io/csv.js';
import { createRng } from '../../src/random.js';

describe('parseCsv', () => {
  it('reads a header and rows, with the last column as the target', () => {
    const data = parseCsv('x,y,f\n0,1,2\n1.5,-2e-1,3\n');
    expect(data.names).toEqual(['x', 'y', 'f']);
    expect(data.inputNames).toEqual(['x', 'y']);
    expect(data.targetName).toBe('f');
    expect(data.inputs).toEqual([[0, 1], [1.5, -0.2]]);
    expect(data.target).toEqual([2, 3]);
  });

  it('takes a named target from anywhere, keeping the other columns in order', () => {
    const data = parseCsv('u,x,y\n5,0,1\n6,2,3\n', { target: 'u' });
    expect(data.inputNames).toEqual(['x', 'y']);
    expect(data.inputs).toEqual([[0, 1], [2, 3]]);
    expect(data.target).toEqual([5, 6]);
  });

  it('accepts CRLF, a BOM, quotes, spaces, comments, blank lines and other delimiters', () => {
    const data = parseCsv('\uFEFF# measured\r\n"x", "y"\r\n\r\n 1 , "2"\r\n3,4\r\n');
    expect(data.names).toEqual(['x', 'y']);
    expect(data.target).toEqual([2, 4]);
    expect(parseCsv('a;b\n1;2\n3;5', { delimiter: ';' }).target).toEqual([2, 5]);
    expect(parseCsv('a\tb\n1\t2\n3\t5', { delimiter: '\t' }).inputs).toEqual([[1], [3]]);
  });

  it('names the row and column of an empty cell (rows are file lines, the header is row 1)', () => {
    expect(() => parseCsv('x,y\n1,2\n3,4\n5,\n')).toThrow('row 4, column "y": empty cell');
  });

  it('names a non-numeric cell', () => {
    expect(() => parseCsv('x,y\n1,2\nabc,4\n')).toThrow('row 3, column "x": not a number: "abc"');
    expect(() => parseCsv('x,y\n1,2\n0x10,4\n')).toThrow('row 3, column "x": not a number: "0x10"');
  });

  it('names a number that overflows', () => {
    expect(() => parseCsv('x,y\n1,2\n3,1e999\n')).toThrow('row 3, column "y": not a finite number: "1e999"');
  });

  it('refuses a ragged row', () => {
    expect(() => parseCsv('x,y,z\n1,2,3\n4,5\n')).toThrow('row 3: expected 3 cells (like the header), found 2');
  });

  it('refuses a single data row, saying how many are needed', () => {
    expect(() => parseCsv('x,y\n1,2\n')).toThrow('parseCsv: need at least 2 data rows below the header to fit, found 1');
  });

  it('refuses a constant target', () => {
    expect(() => parseCsv('x,y\n1,3\n2,3\n4,3\n')).toThrow('parseCsv: target column "y" is constant (every row is 3); a fit needs a target that varies');
  });

  it('refuses an unknown target name, listing the columns', () => {
    expect(() => parseCsv('x,y\n1,2\n3,4\n', { target: 'z' })).toThrow('parseCsv: target "z" is not a column (columns: x, y)');
  });

  it('refuses empty text, a one-column header, an empty or duplicate name and an open quote', () => {
    expect(() => parseCsv('\n \n')).toThrow('parseCsv: the text is empty; expected a header row of column names');
    expect(() => parseCsv('x;y\n1;2\n')).toThrow('row 1 (header): expected at least 2 columns (inputs and a target) separated by ",", found 1');
    expect(() => parseCsv('x,,y\n1,2,3\n')).toThrow('row 1 (header), column 2: empty column name');
    expect(() => parseCsv('x,y,x\n1,2,3\n')).toThrow('row 1 (header), column 3: duplicate name "x" (also column 1)');
    expect(() => parseCsv('x,y\n"1,2\n')).toThrow('row 2: unterminated quote in cell 1');
  });
});

describe('splitTrainTest', () => {
  const rows = Array.from({ length: 20 }, (_, i) => `${i},${i * i}`).join('\n');
  const data = parseCsv(`x,y\n${rows}\n`);

  it('splits every row into exactly one set, in file order, with round(n*fraction) test rows', () => {
    const { train, test } = splitTrainTest(data, 0.25, createRng(1));
    expect(test.target).toHaveLength(5);
    expect(train.target).toHaveLength(15);
    const xs = [...train.inputs, ...test.inputs].map((r) => r[0] ?? NaN).sort((a, b) => a - b);
    expect(xs).toEqual(Array.from({ length: 20 }, (_, i) => i));
    for (const part of [train, test]) {
      const order = part.inputs.map((r) => r[0] ?? NaN);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      part.inputs.forEach((r, k) => expect(part.target[k]).toBe((r[0] ?? NaN) ** 2));
    }
    expect(train.names).toEqual(data.names);
  });

  it('is reproducible from the seed and differs between seeds', () => {
    const first = splitTrainTest(data, 0.3, createRng(7)).test.inputs;
    expect(splitTrainTest(data, 0.3, createRng(7)).test.inputs).toEqual(first);
    expect(splitTrainTest(data, 0.3, createRng(8)).test.inputs).not.toEqual(first);
  });

  it('keeps at least one row on each side', () => {
    const two = parseCsv('x,y\n1,2\n3,4\n');
    const { train, test } = splitTrainTest(two, 0.01, createRng(1));
    expect([train.target.length, test.target.length]).toEqual([1, 1]);
  });

  it('names a bad fraction', () => {
    expect(() => splitTrainTest(data, 1, createRng(1))).toThrow('splitTrainTest: testFraction: expected a number in (0, 1), found 1');
  });
});
