import { describe, expect, it } from 'vitest';
import { KanpinnInputError } from '../../src/errors.js';
import { FIT_DEFAULTS } from '../../src/train/fit.js';
import { checkOption, hintOptions, HINT_FIELDS, learningRates, OPTION_SPECS, parseOptionText, parseSolverHint, SOLVE_DEFAULTS, TRAINING_DEFAULTS } from '../../src/options/training.js';
import { TRAIN_DEFAULTS } from '../../src/train/trainer.js';
import { solveOptionsFromArgs } from '../../solvers/trainingFlags.js';

describe('the training options schema', () => {
  it('gives train, solve and fit one set of defaults (sampling: the problem\'s, else Sobol; refineAdd 100)', () => {
    for (const [name, value] of Object.entries(TRAINING_DEFAULTS)) {
      expect(TRAIN_DEFAULTS[name as keyof typeof TRAIN_DEFAULTS], name).toEqual(value);
      if (name !== 'grids') expect(SOLVE_DEFAULTS[name as keyof typeof SOLVE_DEFAULTS], name).toEqual(value);
    }
    expect(TRAINING_DEFAULTS.sampling).toBeNull();
    expect(TRAINING_DEFAULTS.refineAdd).toBe(100);
    expect(FIT_DEFAULTS.gridUpdateEvery).toBe(TRAINING_DEFAULTS.gridUpdateEvery);
    expect(FIT_DEFAULTS.lr).toBe(TRAINING_DEFAULTS.lr);
  });

  it('has one learning-rate rule: 1 for L-BFGS, 1e-3 for Adam, L-BFGS at 1 after Adam', () => {
    expect(learningRates({ optimizer: 'lbfgs', lr: null })).toEqual({ adam: 1e-3, lbfgs: 1 });
    expect(learningRates({ optimizer: 'adam', lr: null })).toEqual({ adam: 1e-3, lbfgs: 1 });
    expect(learningRates({ optimizer: 'adam+lbfgs', lr: 0.01 })).toEqual({ adam: 0.01, lbfgs: 1 });
    expect(learningRates({ optimizer: 'lbfgs', lr: 0.5 })).toEqual({ adam: 0.5, lbfgs: 0.5 });
  });

  it('checks a value with the same rule whether it comes from a flag, a problem file or a library call', () => {
    const message = (f: () => unknown): string => {
      try {
        f();
      } catch (error) {
        expect(error).toBeInstanceOf(KanpinnInputError);
        return (error as Error).message;
      }
      return 'no error';
    };
    expect(message(() => parseOptionText('lbfgsHistory', '0'))).toBe('--lbfgs-history: expected an integer >= 1, got 0');
    expect(message(() => parseSolverHint({ lbfgsHistory: 0 }))).toBe('solver.lbfgsHistory: expected an integer >= 1, got 0');
    expect(message(() => checkOption('lbfgsHistory', 0, 'lbfgsHistory'))).toBe('lbfgsHistory: expected an integer >= 1, got 0');
    expect(message(() => parseOptionText('optimizer', 'sgd'))).toBe('--optimizer: expected one of lbfgs, adam, adam+lbfgs, got "sgd"');
    expect(message(() => parseSolverHint({ optimizer: 'sgd' }))).toBe('solver.optimizer: expected one of lbfgs, adam, adam+lbfgs, got "sgd"');
    expect(message(() => parseSolverHint({ grids: [5, 0] }))).toBe('solver.grids: expected a non-empty array of integers >= 1, got [5,0]');
    expect(message(() => parseSolverHint({ lrSchedule: 3 }))).toMatch(/^solver\.lrSchedule: expected constant, /);
  });

  it('reads flag text: numbers, lists, schedules, weights; quotes what is not a number', () => {
    expect(parseOptionText('steps', '20')).toBe(20);
    expect(parseOptionText('grids', '5, 10')).toEqual([5, 10]);
    expect(parseOptionText('schedule', 'cosine:0.1')).toEqual({ kind: 'cosine', minFactor: 0.1 });
    expect(parseOptionText('weights', 'pde=0.01,conditions[0].dirichlet=2')).toEqual({ pde: 0.01, 'conditions[0].dirichlet': 2 });
    expect(() => parseOptionText('steps', 'abc')).toThrow(new KanpinnInputError('--steps: expected an integer >= 0, got "abc"'));
    expect(() => parseOptionText('steps', '')).toThrow(new KanpinnInputError('--steps: expected an integer >= 0, got ""'));
    expect(() => parseOptionText('seed', '1e30')).toThrow(new KanpinnInputError('--seed: expected an integer from 0 to 4294967295, got 1e30'));
    expect(() => parseOptionText('seed', '1.5')).toThrow(new KanpinnInputError('--seed: expected an integer from 0 to 4294967295, got 1.5'));
    expect(() => parseOptionText('boundaryPoints', '0')).toThrow(new KanpinnInputError('--boundary-points: expected an integer >= 1, got 0'));
  });

  it('lets a problem suggest exactly the hint options, under their file names', () => {
    expect(HINT_FIELDS).toEqual(['grids', 'kanWidth', 'steps', 'lbfgsHistory', 'gridUpdateEvery', 'gridUpdateUntil', 'adamSteps', 'resampleEvery', 'causalBins', 'optimizer', 'lr', 'lrSchedule', 'causal']);
    expect(() => parseSolverHint({ seed: 3 })).toThrow('solver.seed: unknown field');
    const hint = parseSolverHint({ kanWidth: [2, 4, 1], lrSchedule: 'exp:0.5', steps: 3 });
    expect(hintOptions(hint, 'kan')).toEqual({ width: [2, 4, 1], schedule: { kind: 'exponential', gamma: 0.5, every: 1 }, steps: 3 });
    expect(hintOptions(hint, 'mlp')).toEqual({ schedule: { kind: 'exponential', gamma: 0.5, every: 1 }, steps: 3 });
  });

  it('gives every option a distinct flag', () => {
    const flags = Object.values(OPTION_SPECS).map((s) => s.flag);
    expect(new Set(flags).size).toBe(flags.length);
  });
});

describe('training flags', () => {
  it('leave unset options unset, so the problem and the defaults fill them', () => {
    expect(solveOptionsFromArgs({})).toEqual({});
    expect(solveOptionsFromArgs({ steps: '3', lrSchedule: 'constant' })).toEqual({ steps: 3, schedule: { kind: 'constant' } });
  });

  it('refuse conflicting flags instead of picking one', () => {
    expect(() => solveOptionsFromArgs({ grid: '5', grids: '5,10' })).toThrow(/^--grid: conflicts with --grids/);
    expect(() => solveOptionsFromArgs({ model: 'mlp', k: '2' })).toThrow(/^--k: applies to a KAN only/);
    expect(() => solveOptionsFromArgs({ model: 'mlp', grid: '5' })).toThrow(/^--grid: applies to a KAN only/);
    expect(() => solveOptionsFromArgs({ steps: ['2', '3'] })).toThrow('--steps: given 2 times; give it once');
    expect(solveOptionsFromArgs({ model: 'mlp', activation: 'sin' })).toEqual({ model: 'mlp', activation: 'sin' });
  });
});
