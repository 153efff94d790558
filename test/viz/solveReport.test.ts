/**
 * End to end: a very short real solve of each problem in-process, its outputs written as
 * `kanpinn solve --out` writes them, and the report opened in headless chromium. Each report must
 * open without console or page errors, draw a non-blank 3-D view, heat maps and network, carry the
 * loss and rel. L2 curves, stay under 2 MB, and (PINNacle) leave the four holes blank.
 * Full-page screenshots go to test-output/viz/solve-<problem>.png.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { setBackend } from '../../src/index.js';
import { resolveProblem } from '../../problems/index.js';
import { solveProblem, writeOutputs } from '../../solvers/solve.js';
import type { SolveSummary } from '../../solvers/solve.js';
import { openPage, startBrowser } from './browser.js';
import type { Browser } from './browser.js';
import { decodePng, luminanceStd } from './png.js';

const OUT = fileURLToPath(new URL('../../test-output/viz/', import.meta.url));
const PROBLEMS = ['poisson2d', 'heat1d', 'pinnacle-poisson-2d-c'] as const;
type ProblemName = (typeof PROBLEMS)[number];
/** A few L-BFGS steps on the coarsest grid: seconds per problem, enough for a picture. */
const BUDGET = { steps: 5, grids: [5], seed: 0 };
/** Luminance standard deviation (0–255) under which a canvas counts as blank (as in browser.test.ts). */
const BLANK_STD = 6;
/** The size bound for a report with a 100 x 100 field and a [2, 10, 1] KAN. */
const MAX_BYTES = 2_000_000;

interface Run { dir: string; files: string[]; summary: SolveSummary }

let browser: Browser | undefined;
let scratch = '';
const runs = new Map<ProblemName, Run>();

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  scratch = mkdtempSync(join(tmpdir(), 'kanpinn-solve-report-'));
  const started = startBrowser();
  await setBackend('wasm');
  for (const name of PROBLEMS) {
    const problem = resolveProblem(name);
    const { model, result, summary } = await solveProblem(problem, BUDGET);
    const dir = join(scratch, name);
    mkdirSync(dir);
    const files = await writeOutputs(dir, problem, model, result, summary, { command: `kanpinn solve ${name} --steps 5 --grids 5`, seed: 0 });
    model.dispose();
    runs.set(name, { dir, files, summary });
  }
  browser = await started;
});

afterAll(async () => {
  await browser?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function run(name: ProblemName): Run {
  const r = runs.get(name);
  if (!r) throw new Error(`no solve for ${name}`);
  return r;
}

async function canvasStd(page: Page, selector: string): Promise<number> {
  const locator = page.locator(selector).first();
  await locator.scrollIntoViewIfNeeded();
  return luminanceStd(decodePng(await locator.screenshot()));
}

/** RGBA of a heat map at plot coordinates (fx, fy) ∈ [0, 1]² (fy up), read from its canvas. */
async function heatmapPixel(page: Page, quantity: string, fx: number, fy: number): Promise<number[]> {
  return page.evaluate(([q, x, y]) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`canvas.heatmap[data-quantity="${q}"]`)!;
    const [left, top, w, h] = canvas.dataset.plot!.split(',').map(Number) as [number, number, number, number];
    const ratio = canvas.width / canvas.clientWidth;
    return Array.from(canvas.getContext('2d')!.getImageData(Math.round((left + x * w) * ratio), Math.round((top + (1 - y) * h) * ratio), 1, 1).data);
  }, [quantity, fx, fy] as const);
}

/** Opens the report and checks what every report must show; returns the page for problem-specific checks. */
async function openReport(name: ProblemName): Promise<{ page: Page; errors: string[] }> {
  const report = run(name).files.find((f) => f.endsWith('report.html'))!;
  expect(statSync(report).size).toBeLessThan(MAX_BYTES);
  const opened = await openPage(browser!, pathToFileURL(report).href);
  const { page } = opened;
  expect(await page.locator('body').getAttribute('data-ready')).toBe('true');
  expect(await page.locator('h1').textContent()).toBe(`${name}: KAN [2, 10, 1]`);
  for (const q of ['predicted', 'exact', 'error']) {
    expect(await canvasStd(page, `#solution canvas.heatmap[data-quantity="${q}"]`)).toBeGreaterThan(BLANK_STD);
  }
  expect(await canvasStd(page, '#solution canvas.surface')).toBeGreaterThan(BLANK_STD);
  expect(await canvasStd(page, '#network canvas.network')).toBeGreaterThan(BLANK_STD);
  // One curve for the total loss and one per term (PDE residual, each condition).
  expect(await page.locator('#training svg[data-role="loss"] polyline.series').count()).toBe(Object.keys(run(name).summary.terms).length + 1);
  expect(await page.locator('#training svg[data-role="relL2"] polyline.series').count()).toBe(1);
  expect(await page.locator('#training svg[data-role="relL2"] circle').count()).toBeGreaterThanOrEqual(1);
  await page.screenshot({ path: join(OUT, `solve-${name}.png`), fullPage: true });
  return opened;
}

describe('kanpinn solve --out writes the four files', () => {
  it('model.json, metrics.json (the summary) and history.csv (a header and one row per step) are readable', () => {
    const { dir, files, summary } = run('poisson2d');
    expect(files).toEqual(['model.json', 'metrics.json', 'history.csv', 'report.html'].map((f) => join(dir, f)));
    const model = JSON.parse(readFileSync(files[0]!, 'utf8')) as { format: string; version: number };
    expect([model.format, model.version]).toEqual(['kanpinn-model', 1]);
    const metrics = JSON.parse(readFileSync(files[1]!, 'utf8')) as Record<string, unknown>;
    for (const key of ['problem', 'model', 'width', 'params', 'backend', 'steps', 'evaluations', 'seconds', 'loss', 'relL2', 'maxAbsErr']) expect(metrics).toHaveProperty(key);
    expect(metrics.relL2).toBe(summary.relL2);
    const lines = readFileSync(files[2]!, 'utf8').trimEnd().split('\n');
    const header = lines[0]!.split(',');
    expect(header.slice(0, 1)).toEqual(['step']);
    expect(header).toContain('loss');
    expect(lines.length - 1).toBe(summary.steps);
    lines.slice(1).forEach((line, r) => {
      const cells = line.split(',');
      expect(cells).toHaveLength(header.length);
      expect(Number(cells[0])).toBe(r + 1);
      expect(Number.isFinite(Number(cells[header.indexOf('loss')]))).toBe(true);
    });
  });
});

describe('reports of real solves in chromium', () => {
  it('poisson2d: field, error, network and curves are drawn without errors; an input edge spans the domain', async () => {
    const { page, errors } = await openReport('poisson2d');
    expect(await page.locator('.stats-panel').textContent()).toContain('grid points inside10000');
    const point = await page.evaluate(() => window.kanpinnReport?.network?.edgeClientPoint(0, 0, 3));
    await page.mouse.click(point!.x, point!.y);
    const modal = page.locator('#edge-modal');
    expect(await modal.locator('header b').textContent()).toBe('φ: x → h1.3');
    const ticks = await modal.locator('svg[data-role="edge"] text[text-anchor="middle"][fill="#444"]').allTextContents();
    expect([ticks[0], ticks[ticks.length - 1]]).toEqual(['-1', '1']);
    await page.screenshot({ path: join(OUT, 'solve-poisson2d-edge.png') });
    await page.keyboard.press('Escape');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('heat1d: the space-time field has 41 frames and the time slider moves the profile', async () => {
    const { page, errors } = await openReport('heat1d');
    expect(await page.locator('#time-slider').getAttribute('max')).toBe('40');
    const profile = page.locator('svg[data-role="profile"] polyline.series').first();
    const before = await profile.getAttribute('points');
    await page.locator('#time-slider').fill('20');
    expect(await page.locator('#time-label').textContent()).toContain('t = 0.5');
    expect(await profile.getAttribute('points')).not.toBe(before);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('pinnacle-poisson-2d-c: the reference fills the square and the four holes stay blank', async () => {
    const { page, errors } = await openReport('pinnacle-poisson-2d-c');
    // The domain is [-0.5, 0.5]² minus disks r = 0.1 at (±0.3, ±0.3): plot fractions 0.2 and 0.8.
    for (const q of ['predicted', 'exact', 'error']) {
      for (const [fx, fy] of [[0.2, 0.2], [0.8, 0.2], [0.2, 0.8], [0.8, 0.8]] as const) {
        expect(await heatmapPixel(page, q, fx, fy)).toEqual([255, 255, 255, 255]);
      }
    }
    // Between the holes and at the walls the field is painted (viridis has no white; the error map may be near white).
    for (const q of ['predicted', 'exact']) {
      for (const [fx, fy] of [[0.5, 0.5], [0.5, 0.02], [0.98, 0.5]] as const) {
        expect((await heatmapPixel(page, q, fx, fy)).slice(0, 3)).not.toEqual([255, 255, 255]);
      }
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('two unknowns (biharmonic split into u and v): cards, a curve and a field per unknown, the selector switches the profile', async () => {
    const problem = resolveProblem(fileURLToPath(new URL('./problems/biharmonic1d.json', import.meta.url)));
    const { model, result, summary } = await solveProblem(problem, BUDGET);
    const dir = join(scratch, 'biharmonic');
    mkdirSync(dir);
    const files = await writeOutputs(dir, problem, model, result, summary, { seed: 0 });
    model.dispose();
    const { page, errors } = await openPage(browser!, pathToFileURL(files[3]!).href);
    expect(await page.locator('.badge small').allTextContents()).toEqual(expect.arrayContaining(['rel. L2 error of u', 'rel. L2 error of v']));
    expect(await page.locator('#training svg[data-role="relL2"] polyline.series').evaluateAll((ps) => ps.map((p) => p.getAttribute('data-name')))).toEqual(['all unknowns', 'u', 'v']);
    const title = (): Promise<string | null> => page.locator('.unknown-field:not([hidden]) svg[data-role="profile"] text').first().textContent();
    expect(await title()).toBe('u(x)');
    await page.click('#unknown-selector button[data-unknown="v"]');
    expect(await title()).toBe('v(x)');
    // v = −π² sin(πx): the exact profile reaches −π² ≈ −9.87, so the axis runs past −9.
    const ticks = await page.locator('.unknown-field:not([hidden]) svg[data-role="profile"] text.y-tick').allTextContents();
    expect(Math.min(...ticks.map(Number))).toBeLessThan(-8);
    await page.screenshot({ path: join(OUT, 'solve-biharmonic-v.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
