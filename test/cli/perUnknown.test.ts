/**
 * Issue 11, defect 3: a problem with several unknowns reports rel. L2 and max |error| for each
 * unknown (summary line, `--json`, metrics.json, history.csv, the report), not only the pooled
 * one that the largest unknown dominates. The problem: a biharmonic split into u and v = u_xx,
 * where v is π² ≈ 10 times larger than u.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../solvers/cli.js';
import { decodeFloat32 } from '../../viz/encode.js';
import type { PagePayload } from '../../viz/payload.js';
import { capture } from './capture.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const BIHARMONIC = fileURLToPath(new URL('../viz/problems/biharmonic1d.json', import.meta.url));
// The former defaults (--recipe tuned): the check below needs u's error well above the pooled one, which the automatic recipe's balancing evens out.
const TINY = ['--steps', '6', '--grids', '5', '--quiet', '--backend', 'cpu', '--recipe', 'tuned'];

interface Errors { relL2: number; maxAbsErr: number; mse: number }
interface Summary { relL2: number; maxAbsErr: number; mse: number; perUnknown: Record<string, Errors> }

const payloadOf = (html: string): PagePayload => {
  const match = /<script id="kanpinn-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
  return JSON.parse(match![1]!) as PagePayload;
};

describe('errors per unknown', () => {
  it('solve --json, metrics.json, history.csv and the report carry each unknown besides the pooled errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-unknowns-'));
    const io = capture();
    expect(await main(['solve', BIHARMONIC, ...TINY, '--json', '--out', dir])).toBe(0);
    const summary = JSON.parse(io.out()) as Summary;
    expect(Object.keys(summary.perUnknown)).toEqual(['u', 'v']);
    const { u, v } = summary.perUnknown as { u: Errors; v: Errors };
    // The pooled errors are made of the per-unknown ones: mse is their mean, max |error| their max.
    expect(summary.mse).toBeCloseTo((u.mse + v.mse) / 2, 10);
    expect(summary.maxAbsErr).toBe(Math.max(u.maxAbsErr, v.maxAbsErr));
    // ‖u*‖² : ‖v*‖² = 1 : π⁴, so pooled rel. L2² = (‖e_u‖² + ‖e_v‖²) / ((1 + π⁴)‖u*‖²).
    const pooled = Math.sqrt((u.relL2 ** 2 + Math.PI ** 4 * v.relL2 ** 2) / (1 + Math.PI ** 4));
    expect(summary.relL2).toBeCloseTo(pooled, 3);
    // The point of the defect: u's own error is far above the pooled number.
    expect(u.relL2).toBeGreaterThan(2 * summary.relL2);

    expect(JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')).perUnknown).toEqual(summary.perUnknown);
    const history = readFileSync(join(dir, 'history.csv'), 'utf8').trim().split('\n');
    const columns = history[0]!.split(',');
    expect(columns).toContain('relL2:u');
    expect(columns).toContain('relL2:v');
    const last = history[history.length - 1]!.split(',');
    expect(Number(last[columns.indexOf('relL2:u')])).toBeCloseTo(u.relL2, 5);

    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('rel. L2 error of u');
    expect(html).toContain('max |error| of v');
    expect(html).toContain('rel. L2 error (all unknowns)');
    expect(html).toMatch(/<button type="button" data-unknown="v">v<\/button>/);
    const payload = payloadOf(html);
    expect(payload.fields!.map((f) => f.unknown)).toEqual(['u', 'v']);
    // v's exact field is −π² sin(πx): its maximum magnitude is π² at x = 1/2.
    const exactV = decodeFloat32(payload.fields![1]!.exact!);
    expect(Math.min(...exactV)).toBeCloseTo(-(Math.PI ** 2), 2);
    // The rel. L2 chart draws each unknown.
    expect(html).toMatch(/data-role="relL2"[\s\S]*?data-name="u"[\s\S]*?data-name="v"/);
  }, 60_000);

  it('the summary line lists each unknown', async () => {
    const io = capture();
    expect(await main(['solve', BIHARMONIC, ...TINY])).toBe(0);
    expect(io.out()).toMatch(/\n {4}u: rel\. L2 \d\.\d{3}e[-+]\d+ {2}max \|error\| \d\.\d{3}e[-+]\d+\n {4}v: rel\. L2 /);
  }, 60_000);

  it('a single unknown prints no per-unknown lines', async () => {
    const io = capture();
    expect(await main(['solve', 'poisson1d', ...TINY])).toBe(0);
    expect(io.out()).not.toMatch(/ {4}u: rel\. L2/);
  }, 60_000);
});
