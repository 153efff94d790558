/**
 * The report of a real MLP run from the CLI (issue 11): no "G=NaN" grid marker over the charts
 * (defect 2), and the settings give the steps the run took, not the per-stage flag (defect 13).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../solvers/cli.js';
import { capture } from './capture.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

/** The training charts' HTML (the viewer script inlined further down holds the same markup strings). */
const trainingSection = (html: string): string => /<section id="training">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';

const settingsRow = (html: string, key: string): string | undefined =>
  new RegExp(`<table class="kv settings">.*?<tr><td>${key}</td><td>([^<]*)</td></tr>`).exec(html)?.[1];

describe('report of a CLI run', () => {
  it('MLP: no G=NaN marker, and the settings say the 9 steps run (3 per stage x 3 stages)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-mlp-report-'));
    const io = capture();
    expect(await main(['solve', 'poisson1d', '--model', 'mlp', '--steps', '3', '--grids', '3,4,5', '--quiet', '--backend', 'cpu', '--json', '--out', dir])).toBe(0);
    expect((JSON.parse(io.out()) as { steps: number }).steps).toBe(9);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const charts = trainingSection(html);
    expect(charts).toContain('data-role="loss"');
    expect(charts.includes('G=NaN')).toBe(false);
    expect(charts.includes('class="marker"')).toBe(false);
    expect(settingsRow(html, 'steps')).toBe('9');
    expect(settingsRow(html, 'steps per stage')).toBeUndefined();
  }, 60_000);

  it('KAN over three grids: steps run and steps per stage, and a marker at each grid change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-kan-report-'));
    capture();
    expect(await main(['solve', 'poisson1d', '--steps', '2', '--grids', '3,4,5', '--quiet', '--backend', 'cpu', '--out', dir])).toBe(0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(settingsRow(html, 'steps')).toBe('6');
    expect(settingsRow(html, 'steps per stage')).toBe('2');
    expect(trainingSection(html).match(/<text[^>]*>G=4<\/text>/g)).toHaveLength(2);
  }, 60_000);
});
