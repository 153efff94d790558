/**
 * The reports in a real browser (headless chromium, software WebGL): each opens from file://
 * without console or page errors, its WebGL canvases are not blank, the time and slice sliders
 * change the picture, holes stay blank, and clicking an edge opens its enlarged plot.
 * Screenshots go to test-output/viz/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { renderNetworkHtml, renderNetworkSvg, renderReport } from '../../viz/index.js';
import { startBrowser, openPage } from './browser.js';
import type { Browser, OpenedPage } from './browser.js';
import { boxReport, HOLES, heatReport, holesReport, poissonReport, syntheticNetwork, twoUnknownReport } from './fixtures.js';
import { changedFraction, decodePng, luminanceStd } from './png.js';
import type { Image } from './png.js';

const OUT = fileURLToPath(new URL('../../test-output/viz/', import.meta.url));
/** Luminance standard deviation (0–255) under which a canvas counts as blank. */
const BLANK_STD = 6;
/** Fraction of pixels that must change for two screenshots to count as different pictures. */
const CHANGED = 0.002;

let browser: Browser | undefined;
const pages: Record<string, string> = {};

function write(name: string, html: string): string {
  const path = join(OUT, name);
  writeFileSync(path, html);
  return pathToFileURL(path).href;
}

async function shot(page: Page, selector: string, name: string): Promise<Image> {
  const locator = page.locator(selector).first();
  await locator.scrollIntoViewIfNeeded();
  return decodePng(await locator.screenshot({ path: join(OUT, name) }));
}

async function open(name: string): Promise<OpenedPage> {
  if (!browser) throw new Error('browser did not start');
  return openPage(browser, pages[name]!);
}

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  pages.poisson = write('poisson.html', renderReport(poissonReport(100)));
  pages.heat = write('heat.html', renderReport(heatReport()));
  pages.holes = write('holes.html', renderReport(holesReport()));
  pages.box = write('box.html', renderReport(boxReport()));
  pages.twoUnknowns = write('two-unknowns.html', renderReport(twoUnknownReport()));
  pages.network = write('network.html', renderNetworkHtml(syntheticNetwork([2, 10, 1]), { title: 'KAN [2, 10, 1]' }));
  writeFileSync(join(OUT, 'network.svg'), renderNetworkSvg(syntheticNetwork([2, 10, 1]), { title: 'KAN [2, 10, 1]' }));
  browser = await startBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('reports in chromium', () => {
  it('measures a blank canvas as blank (the control for the non-blank checks)', async () => {
    const page = await browser!.context.newPage();
    await page.setContent('<canvas width="300" height="200" style="background:#fafbfc"></canvas>');
    expect(luminanceStd(await shot(page, 'canvas', 'blank-control.png'))).toBeLessThan(1);
    await page.close();
  });

  it('2-D Poisson: draws the surface, heat maps, network and curves without errors; an edge click enlarges it', async () => {
    const { page, errors } = await open('poisson');
    expect(await page.locator('canvas.heatmap').count()).toBe(3);
    expect(luminanceStd(await shot(page, 'canvas.surface', 'poisson-surface.png'))).toBeGreaterThan(BLANK_STD);
    const heat = await shot(page, 'canvas.heatmap[data-quantity="error"]', 'poisson-error.png');
    expect(luminanceStd(heat)).toBeGreaterThan(BLANK_STD);
    const before = await shot(page, 'canvas.surface', 'poisson-surface.png');
    await page.click('button[data-quantity="error"]');
    expect(changedFraction(before, await shot(page, 'canvas.surface', 'poisson-surface-error.png'))).toBeGreaterThan(CHANGED);
    expect(luminanceStd(await shot(page, 'canvas.network', 'poisson-network.png'))).toBeGreaterThan(BLANK_STD);
    expect(await page.locator('svg[data-role="loss"] polyline.series').count()).toBe(3);
    expect(await page.locator('svg[data-role="relL2"] polyline.series').count()).toBe(1);
    expect(await page.locator('.net-label.formula').allTextContents()).toEqual(['sin(3.14*x + 0.1)']);
    expect(await page.locator('.stats-panel').textContent()).toMatch(/grid points inside10000min u.*rel\. L2 error0\.0\d/);
    await page.screenshot({ path: join(OUT, 'poisson-page.png'), fullPage: true });

    expect(await page.locator('#edge-modal').isVisible()).toBe(false);
    const point = await page.evaluate(() => window.kanpinnReport?.network?.edgeClientPoint(0, 0, 1));
    expect(point).toBeDefined();
    await page.mouse.click(point!.x, point!.y);
    const modal = page.locator('#edge-modal');
    expect(await modal.isVisible()).toBe(true);
    expect(await modal.textContent()).toContain('sin(3.14*x + 0.1)');
    expect(await modal.locator('.card').getAttribute('data-j')).toBe('1');
    expect(await modal.locator('svg[data-role="edge"] polyline.series').count()).toBe(1);
    await page.screenshot({ path: join(OUT, 'poisson-edge.png') });
    await page.keyboard.press('Escape');
    expect(await modal.isVisible()).toBe(false);
    const pruned = await page.evaluate(() => window.kanpinnReport?.network?.edgeClientPoint(0, 1, 2));
    expect(pruned).toBeUndefined();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('1-D heat: moving the time slider changes the 3-D view, the heat map marker and the profile', async () => {
    const { page, errors } = await open('heat');
    const surface0 = await shot(page, 'canvas.surface', 'heat-surface-t0.png');
    expect(luminanceStd(surface0)).toBeGreaterThan(BLANK_STD);
    expect(changedFraction(surface0, await shot(page, 'canvas.surface', 'heat-surface-t0.png'))).toBe(0);
    const heat0 = await shot(page, 'canvas.heatmap[data-quantity="predicted"]', 'heat-map-t0.png');
    const profile0 = await page.locator('svg[data-role="profile"] polyline.series').first().getAttribute('points');
    await page.locator('#time-slider').fill('15');
    expect(await page.locator('#time-label').textContent()).toContain('t = 0.75');
    expect(changedFraction(surface0, await shot(page, 'canvas.surface', 'heat-surface-t15.png'))).toBeGreaterThan(CHANGED);
    expect(changedFraction(heat0, await shot(page, 'canvas.heatmap[data-quantity="predicted"]', 'heat-map-t15.png'))).toBeGreaterThan(CHANGED);
    expect(await page.locator('svg[data-role="profile"] polyline.series').first().getAttribute('points')).not.toBe(profile0);
    await page.click('#play-button');
    expect(await page.locator('#play-button').textContent()).toBe('Pause');
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('#time-slider')?.value !== '15', undefined, { timeout: 5000 });
    await page.click('#play-button');
    expect(await page.locator('#play-button').textContent()).toBe('Play');
    await page.screenshot({ path: join(OUT, 'heat-page.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('plate with holes: the holes stay blank in the heat map and the surface is drawn', async () => {
    const { page, errors } = await open('holes');
    expect(luminanceStd(await shot(page, 'canvas.surface', 'holes-surface.png'))).toBeGreaterThan(BLANK_STD);
    await shot(page, 'canvas.heatmap[data-quantity="predicted"]', 'holes-map.png');
    const pixels = await page.evaluate((holes) => {
      const canvas = document.querySelector<HTMLCanvasElement>('canvas.heatmap[data-quantity="predicted"]')!;
      const [left, top, w, h] = canvas.dataset.plot!.split(',').map(Number) as [number, number, number, number];
      const ratio = canvas.width / canvas.clientWidth;
      const ctx = canvas.getContext('2d')!;
      const at = (x: number, y: number): number[] => Array.from(ctx.getImageData(Math.round((left + x * w) * ratio), Math.round((top + (1 - y) * h) * ratio), 1, 1).data);
      return { holes: holes.map((c) => at(c.cx, c.cy)), domain: at(0.1, 0.9) };
    }, HOLES);
    for (const p of pixels.holes) expect(p).toEqual([255, 255, 255, 255]);
    expect(pixels.domain.slice(0, 3)).not.toEqual([255, 255, 255]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('3-D box: the slice slider moves the slice; an MLP run shows a note instead of the network', async () => {
    const { page, errors } = await open('box');
    const before = await shot(page, 'canvas.surface', 'box-slice-mid.png');
    expect(luminanceStd(before)).toBeGreaterThan(BLANK_STD);
    const map0 = await shot(page, 'canvas.heatmap', 'box-map-mid.png');
    await page.locator('#slice-slider').fill('0');
    expect(changedFraction(before, await shot(page, 'canvas.surface', 'box-slice-0.png'))).toBeGreaterThan(CHANGED);
    expect(changedFraction(map0, await shot(page, 'canvas.heatmap', 'box-map-0.png'))).toBeGreaterThan(CHANGED);
    expect(await page.locator('#network .note').textContent()).toContain('MLP');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('two unknowns: the selector switches the solution view to v and back (issue 11, defect 3)', async () => {
    const { page, errors } = await open('twoUnknowns');
    expect(await page.locator('#unknown-selector button').allTextContents()).toEqual(['u', 'v']);
    expect(await page.locator('#solution-unknown').textContent()).toBe('u');
    const surfaceU = await shot(page, '.unknown-field[data-unknown="u"] canvas.surface', 'two-unknowns-u.png');
    expect(await page.locator('.unknown-field[data-unknown="v"] canvas.surface').count()).toBe(0);
    await page.click('#unknown-selector button[data-unknown="v"]');
    expect(await page.locator('#solution-unknown').textContent()).toBe('v');
    expect(await page.evaluate(() => window.kanpinnReport?.unknown)).toBe('v');
    expect(await page.locator('.unknown-field[data-unknown="u"]').isVisible()).toBe(false);
    const surfaceV = await shot(page, '.unknown-field[data-unknown="v"] canvas.surface', 'two-unknowns-v.png');
    expect(luminanceStd(surfaceV)).toBeGreaterThan(BLANK_STD);
    expect(changedFraction(surfaceU, surfaceV)).toBeGreaterThan(CHANGED);
    expect(await page.locator('.unknown-field[data-unknown="v"] .stats-panel').textContent()).toMatch(/min v-19\.\d/);
    await page.click('#unknown-selector button[data-unknown="u"]');
    expect(await page.locator('.unknown-field[data-unknown="u"]').isVisible()).toBe(true);
    expect(await page.locator('#unknown-selector button.active').textContent()).toBe('u');
    // Both views are mounted now, and no element id appears twice.
    const ids = await page.evaluate(() => Array.from(document.querySelectorAll('[id]'), (e) => e.id));
    expect(ids).toContain('surface-title-1');
    expect(ids.length).toBe(new Set(ids).size);
    expect(await page.locator('.badge small').allTextContents()).toEqual(['rel. L2 error (all unknowns)', 'max |error| (all unknowns)', 'rel. L2 error of u', 'rel. L2 error of v', 'parameters', 'seconds', 'backend']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('after a WebGL context loss and restore, the 3-D view and the network are drawn again (issue 11, defect 7)', async () => {
    const { page, errors } = await open('poisson');
    const surface0 = await shot(page, 'canvas.surface', 'restore-surface-before.png');
    const network0 = await shot(page, 'canvas.network', 'restore-network-before.png');
    const cycled = await page.evaluate(async () => {
      const cycle = async (canvas: HTMLCanvasElement): Promise<boolean> => {
        const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
        const ext = gl?.getExtension('WEBGL_lose_context');
        if (!gl || !ext) return false;
        const event = (name: string): Promise<void> => new Promise((resolve) => canvas.addEventListener(name, () => resolve(), { once: true }));
        const lost = event('webglcontextlost');
        ext.loseContext();
        await lost;
        // Restoring is allowed only once the lost event's dispatch has finished.
        await new Promise((resolve) => setTimeout(resolve, 0));
        const restored = event('webglcontextrestored');
        ext.restoreContext();
        await restored;
        // Let the page's own handlers run and a frame pass.
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        return !gl.isContextLost();
      };
      return [await cycle(document.querySelector<HTMLCanvasElement>('canvas.surface')!), await cycle(document.querySelector<HTMLCanvasElement>('canvas.network')!)];
    });
    expect(cycled).toEqual([true, true]);
    const surface1 = await shot(page, 'canvas.surface', 'restore-surface-after.png');
    const network1 = await shot(page, 'canvas.network', 'restore-network-after.png');
    expect(luminanceStd(surface1)).toBeGreaterThan(BLANK_STD);
    expect(luminanceStd(network1)).toBeGreaterThan(BLANK_STD);
    // The same pictures as before, background included (not black): almost no pixel differs.
    expect(changedFraction(surface0, surface1)).toBeLessThan(CHANGED);
    expect(changedFraction(network0, network1)).toBeLessThan(CHANGED);
    // Still interactive: switching the 3-D view's quantity redraws on the restored context.
    await page.click('button[data-quantity="error"]');
    const surface2 = await shot(page, 'canvas.surface', 'restore-surface-error.png');
    expect(changedFraction(surface1, surface2)).toBeGreaterThan(CHANGED);
    // …on the page's light background, not on black (the corner pixel is background).
    expect(Math.min(...Array.from(surface2.data.subarray(0, 3)))).toBeGreaterThan(230);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('network page and SVG: the view alone opens an edge on click; the SVG parses with one group per kept edge', async () => {
    const { page, errors } = await open('network');
    expect(luminanceStd(await shot(page, 'canvas.network', 'network-view.png'))).toBeGreaterThan(BLANK_STD);
    const point = await page.evaluate(() => window.kanpinnReport?.network?.edgeClientPoint(1, 4, 0));
    await page.mouse.click(point!.x, point!.y);
    expect(await page.locator('#edge-modal').isVisible()).toBe(true);
    expect(await page.locator('#edge-modal .card').getAttribute('data-l')).toBe('1');
    const svg = renderNetworkSvg(syntheticNetwork([2, 10, 1]));
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return { errors: doc.getElementsByTagName('parsererror').length, edges: doc.querySelectorAll('g.edge').length, root: doc.documentElement.nodeName };
    }, svg);
    expect(parsed).toEqual({ errors: 0, edges: 29, root: 'svg' });
    await page.goto(pathToFileURL(join(OUT, 'network.svg')).href);
    await page.screenshot({ path: join(OUT, 'network-svg.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
