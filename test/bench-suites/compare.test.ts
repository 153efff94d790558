import { describe, expect, it } from 'vitest';
import { resolveProblem } from '../../problems/index.js';
import { compareCsv, compareTable, curvesCsv, errorVsParamsSvg, errorVsTimeSvg } from '../../solvers/bench/compareOutput.js';
import { aggregateRuns, compareWidth, defaultCompareModels, errorCurve, sampleStd, type CompareResult } from '../../solvers/compare.js';
import type { SolveSummary } from '../../solvers/solve.js';

const TOL = 1e-12;

function summary(over: Partial<SolveSummary>): SolveSummary {
  return {
    problem: 'p', model: 'kan', width: [2, 10, 1], grid: 20, grids: [5, 10, 20], params: 750, backend: 'cpu', optimizer: 'lbfgs', steps: 3,
    evaluations: 10, seconds: 1, loss: 1, terms: { pde: 1, bc: 2 }, relL2: 0.1, maxAbsErr: 0.2, mse: 0.01, testSet: null, status: 'completed',
    message: 'completed', seed: 0, warnings: [], ...over,
  };
}

describe('compare plumbing', () => {
  const poisson = resolveProblem('poisson2d');

  it('the default line-up is KAN [d,10,1], MLP [d,16,16,1] and MLP [d,100,100,100,1]', () => {
    expect(defaultCompareModels(poisson)).toEqual([
      { model: 'kan', width: [2, 10, 1] },
      { model: 'mlp', width: [2, 16, 16, 1] },
      { model: 'mlp', width: [2, 100, 100, 100, 1] },
    ]);
    expect(defaultCompareModels(resolveProblem('pinnacle-heat-2d-ms'))[0]!.width).toEqual([3, 10, 1]);
  });

  it('takes widths that fit the problem as full widths and anything else as hidden widths', () => {
    expect(compareWidth(poisson, [2, 10, 1], 'kan')).toEqual([2, 10, 1]);
    expect(compareWidth(poisson, [10], 'kan')).toEqual([2, 10, 1]);
    expect(compareWidth(poisson, [100, 100, 100], 'mlp')).toEqual([2, 100, 100, 100, 1]);
    expect(compareWidth(poisson, [2, 16, 16, 1], 'mlp')).toEqual([2, 16, 16, 1]);
  });

  it('refuses a zero width naming the flag', () => {
    expect(() => compareWidth(poisson, [0], 'mlp')).toThrow('--mlp: expected positive integer widths such as 10 or 2,10,1, got "0"');
  });

  it('sample standard deviation matches the textbook formula', () => {
    const xs = [1, 2, 4, 7];
    const m = 3.5;
    const expected = Math.sqrt(((1 - m) ** 2 + (2 - m) ** 2 + (4 - m) ** 2 + (7 - m) ** 2) / 3);
    expect(sampleStd(xs)).toBeCloseTo(expected, 12);
    expect(sampleStd([5])).toBe(0);
  });

  it('reads rel. L2 against time from the rows of a history where it was measured', () => {
    const history = { columns: ['step', 'seconds', 'loss', 'relL2'], rows: [[1, 0.5, 1, NaN], [2, 1.25, 0.5, 0.3], [3, 2, 0.2, NaN], [4, 3.5, 0.1, 0.05]] };
    expect(errorCurve(history, 7)).toEqual({ seed: 7, seconds: [1.25, 3.5], relL2: [0.3, 0.05] });
    expect(errorCurve({ columns: ['step'], rows: [[1]] }, 0)).toEqual({ seed: 0, seconds: [], relL2: [] });
  });

  it('aggregates seeds into means with the std of rel. L2', () => {
    const runs = [
      { summary: summary({ seed: 0, relL2: 0.1, mse: 0.01, loss: 1, evaluations: 10, seconds: 1, terms: { pde: 1, bc: 3 } }), curve: { seed: 0, seconds: [1], relL2: [0.1] } },
      { summary: summary({ seed: 1, relL2: 0.3, mse: 0.03, loss: 3, evaluations: 20, seconds: 2, terms: { pde: 3, bc: 5 } }), curve: { seed: 1, seconds: [2], relL2: [0.3] } },
    ];
    const row = aggregateRuns({ model: 'kan', width: [2, 10, 1] }, runs);
    expect(row.relL2!).toBeCloseTo(0.2, 12);
    expect(row.relL2Std!).toBeCloseTo(Math.sqrt(0.02), 12);
    expect(row.mse!).toBeCloseTo(0.02, 12);
    expect(Math.abs(row.loss - 2)).toBeLessThan(TOL);
    expect(row.evaluations).toBe(15);
    expect(row.seconds).toBe(1.5);
    expect(row.terms).toEqual({ pde: 2, bc: 4 });
    expect(row.seeds).toBe(2);
    expect(row.curves).toHaveLength(2);
  });

  it('reports null rel. L2 and std when a problem has no reference', () => {
    const row = aggregateRuns({ model: 'mlp', width: [2, 4, 1] }, [{ summary: summary({ relL2: null, mse: null, maxAbsErr: null }), curve: { seed: 0, seconds: [], relL2: [] } }]);
    expect(row.relL2).toBeNull();
    expect(row.relL2Std).toBeNull();
    expect(row.mse).toBeNull();
  });

  describe('outputs', () => {
    const result: CompareResult = {
      problem: 'poisson2d', backend: 'cpu', optimizer: 'lbfgs', steps: 1, points: { interior: 10, boundary: 4 }, testSet: null,
      rows: [
        aggregateRuns({ model: 'kan', width: [2, 10, 1] }, [{ summary: summary({}), curve: { seed: 0, seconds: [0.5, 1], relL2: [0.2, 0.1] } }]),
        aggregateRuns({ model: 'mlp', width: [2, 16, 16, 1] }, [{ summary: summary({ model: 'mlp', width: [2, 16, 16, 1], grids: null, params: 337, relL2: 0.05 }), curve: { seed: 0, seconds: [0.7], relL2: [0.05] } }]),
      ],
    };

    it('the table has a header and one aligned line per model', () => {
      const lines = compareTable(result);
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/^model\s+params\s+evals\s+seconds\s+loss\s+pde\s+bc\s+mse\s+rel\. L2\s+± std\s+seeds$/);
      expect(lines[1]).toMatch(/^KAN \[2,10,1\] G5→10→20\s+750\s+10\s+1\.0\s+1\.00e\+0\s+1\.00e\+0\s+2\.00e\+0\s+1\.00e-2\s+1\.00e-1\s+0\.0e\+0\s+1$/);
      expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    });

    it('rows.csv has one line per model with the json field names', () => {
      const lines = compareCsv(result).trim().split('\n');
      expect(lines[0]).toBe('model,width,grids,params,evaluations,seconds,loss,loss:pde,loss:bc,mse,relL2,relL2Std,maxAbsErr,seeds');
      expect(lines[2]).toBe('mlp,2 16 16 1,,337,10,1,1,1,2,0.01,0.05,0,0.2,1');
    });

    it('curves.csv lists every measured point of every run', () => {
      expect(curvesCsv(result)).toBe('model,seed,seconds,relL2\n"KAN [2,10,1]",0,0.5,0.2\n"KAN [2,10,1]",0,1,0.1\n"MLP [2,16,16,1]",0,0.7,0.05\n');
    });

    it('the plots have one series per model', () => {
      for (const svg of [errorVsTimeSvg(result), errorVsParamsSvg(result)]) {
        expect(svg.startsWith('<svg')).toBe(true);
        expect(svg.match(/class="series"/g)).toHaveLength(2);
        expect(svg).toContain('data-name="MLP [2,16,16,1]"');
      }
    });
  });
});
