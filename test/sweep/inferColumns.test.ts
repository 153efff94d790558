/** A sweep over an inverse problem: results.csv has each run's learned parameter as `param:NAME` (issue 13 item 8). */
import { describe, expect, it } from 'vitest';
import { resultsCsv, type RunRow, type SweepResults } from '../../solvers/sweep/results.js';

const row = (id: string, over: Partial<RunRow>): RunRow => ({ id, config: 'c', label: 'decay MLP', state: 'done', error: null, dir: `runs/${id}`, problem: 'decay', seed: 0, terms: { pde: 1e-4 }, ...over });

describe('sweep results of an inverse problem', () => {
  it('writes a param column per inferred parameter, empty for a run without it', () => {
    const results: SweepResults = {
      sweep: 's',
      backend: 'cpu',
      runs: [row('a', { parameters: { k: { value: 1.49, truth: 1.5, relError: 0.0067 } } }), row('b', { state: 'failed', error: 'stopped' })],
      configurations: [],
    };
    const [header, a, b] = resultsCsv(results).trim().split('\n');
    const columns = header!.split(',');
    const k = columns.indexOf('param:k');
    expect(k).toBe(columns.indexOf('loss:pde') + 1);
    expect(a!.split(',')[k]).toBe('1.49');
    expect(b!.split(',')[k]).toBe('');
  });
});
