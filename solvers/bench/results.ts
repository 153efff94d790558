/**
 * Result files of the benchmark suites: one JSON object per suite run (with the machine it ran on
 * and the command that made it) and its Markdown table. `--save DIR` writes DIR/S.json and
 * DIR/S.md; the README's Benchmarks section is generated from the JSON (see readme.ts).
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/internal.js';
import { sci } from './compareOutput.js';
import type { AccuracyRun } from './accuracySuite.js';
import { ACCURACY_THRESHOLDS } from './accuracySuite.js';
import type { EvalResult } from './evalSuite.js';
import type { MachineInfo } from './machine.js';
import { paperVerdict, type PaperResult } from './paperSuite.js';
import { pinnacleMarkdown, type PinnacleRun } from './pinnacleSuite.js';
import { defaultsMarkdown, type DefaultsRun } from './defaultsSuite.js';

/**
 * The footer's command: as run, or, for a file merged from many partial runs (the defaults suite run
 * row by row), how many and their common form; the full list stays in the JSON file's `command`.
 */
export function commandLine(command: string): string {
  const parts = command.split(/;\s*/).filter((c) => c.trim());
  if (parts.length <= 3) return `Command: \`${command}\``;
  const suite = /--suite\s+(\S+)/.exec(parts[0]!)?.[1] ?? 'SUITE';
  const model = parts.some((c) => /--model\b/.test(c)) ? ' --model kan|mlp' : '';
  return `Commands: ${parts.length} partial runs merged, each \`kanpinn bench --suite ${suite}${model} --only PROBLEM --save DIR\` (listed in the JSON file's \`command\`).`;
}

export const SUITE_NAMES = ['eval', 'accuracy', 'paper', 'pinnacle', 'defaults'] as const;
export type SuiteName = (typeof SUITE_NAMES)[number];

interface SuiteFileBase {
  machine: MachineInfo;
  backend: string;
  /** The command line that produced the file. */
  command: string;
  /** Wall time of the whole suite in seconds. */
  seconds: number;
}

/** The JSON of one suite run (discriminated by `suite`). */
export type SuiteFile =
  | (SuiteFileBase & { suite: 'eval'; results: EvalResult[] })
  | (SuiteFileBase & { suite: 'accuracy'; thresholds: number[]; runs: AccuracyRun[] })
  | (SuiteFileBase & { suite: 'paper'; result: PaperResult })
  | (SuiteFileBase & { suite: 'pinnacle'; runs: PinnacleRun[] })
  | (SuiteFileBase & { suite: 'defaults'; runs: DefaultsRun[] });

/** "AMD EPYC, 2 cores, 7.7 GiB; Node v20…, tfjs 4.22.0 (wasm), kanpinn 0.1.0; 2025-…". */
export function machineLine(m: MachineInfo): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; Node ${m.node}, tfjs ${m.tfjs} (${m.backend} backend), kanpinn ${m.kanpinn}; ${m.date.slice(0, 10)}`;
}

const secs = (v: number | null): string => (v === null ? '—' : v.toFixed(1));
const verdict = (b: boolean | null): string => (b === null ? '' : b ? 'yes' : '**no**');
const widthText = (r: { model: string; width: number[]; grids: number[] | null }): string => `${r.model.toUpperCase()} [${r.width.join(',')}]${r.grids && r.model === 'kan' ? ` G${r.grids.join('→')}` : ''}`;

/**
 * The eval suite's table: ms per loss+gradient, the operations of one evaluation and the GFLOP/s
 * they make, next to a plain matrix product's GFLOP/s on the same backend and threads (tf.matMul /
 * a plain-JS loop, measured in the same run), and the resident memory peak. Files saved before
 * these were measured show dashes.
 */
export function evalTable(rows: EvalResult[]): string {
  const lines = [
    '| case | model | width | grid | points | params | threads | ms per loss+gradient | MFLOP per eval | GFLOP/s | matmul GFLOP/s (tfjs / JS) | peak RSS MB |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const dash = (v: number | undefined, text: (v: number) => string): string => (v === undefined ? '–' : text(v));
  // files saved before the kernels had threads ran on one
  for (const r of rows) {
    const cells = [
      r.name,
      r.model,
      `[${r.width.join(',')}]`,
      String(r.grid ?? '–'),
      String(r.points) + (r.chunk !== undefined ? ` (chunks of ${r.chunk})` : ''),
      String(r.params),
      String(r.threads ?? 1),
      String(r.msPerEval),
      dash(r.flops, (v) => (v / 1e6).toFixed(1)),
      dash(r.gflops, (v) => v.toFixed(2)),
      r.peakGflops === undefined ? '–' : `${r.peakGflops.tfjs.toFixed(1)} / ${r.peakGflops.js.toFixed(1)}`,
      dash(r.peakRssMB, String),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The accuracy suite's table: time to each rel. L2 level, final error, and the published vanilla PINN. */
export function accuracyTable(runs: AccuracyRun[], thresholds: readonly number[] = ACCURACY_THRESHOLDS): string {
  const head = ['problem', 'model', 'params', 'steps', 'evals', 'seconds', ...thresholds.map((t) => `s to ${t.toExponential(0)}`), 'rel. L2', 'published vanilla PINN', 'beats it'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of runs) {
    const cells = [r.label ?? r.problem, widthText(r), String(r.params), String(r.steps), String(r.evaluations), secs(r.seconds), ...thresholds.map((t) => secs(r.timeTo[String(t)] ?? null)), sci(r.relL2), r.published === null ? '—' : String(r.published), verdict(r.beatsPublished)];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The paper suite's table and its verdict (judged again from the MSEs, so the rule in `paperVerdict` is the one shown). */
export function paperTable(result: PaperResult): string {
  const lines = ['| model | params | steps | evals | seconds | MSE | rel. L2 | paper MSE |', '|---|---|---|---|---|---|---|---|'];
  for (const [r, claimed] of [[result.kan, result.claim.kanMse], [result.mlp, result.claim.mlpMse]] as const) {
    lines.push(`| ${widthText(r)} | ${r.params} | ${r.steps} | ${r.evaluations} | ${secs(r.seconds)} | ${sci(r.mse)} | ${sci(r.relL2)} | ~${claimed.toExponential(0)} |`);
  }
  const { statement } = paperVerdict(result.kan.mse, result.mlp.mse);
  const budget = `Budget: ${result.kan.optimizer}, ${result.kan.steps} steps for each model (KAN: ${result.kan.steps / Math.max(1, result.kan.grids?.length ?? 1)} per grid stage); raise it with \`--steps N\` (steps per KAN stage).`;
  return `${lines.join('\n')}\n\n${statement}\n\n${budget}`;
}

/** Per model kind: whether its runs beat every published vanilla-PINN rel. L2, and which do not. */
export function publishedSummary(runs: AccuracyRun[]): string {
  const lines: string[] = [];
  for (const kind of ['kan', 'mlp'] as const) {
    const judged = runs.filter((r) => r.model === kind && r.beatsPublished !== null);
    if (judged.length === 0) continue;
    const failed = judged.filter((r) => r.beatsPublished === false);
    const name = kind.toUpperCase();
    lines.push(failed.length === 0
      ? `The ${name} beats the published vanilla-PINN rel. L2 on every PINNacle task (${judged.length}).`
      : `The ${name} does **not** beat the published vanilla-PINN rel. L2 on ${failed.map((r) => `${r.label ?? r.problem} (${sci(r.relL2)} vs ${r.published})`).join('; ')}; it beats it on the other ${judged.length - failed.length} of ${judged.length}.`);
  }
  return lines.length === 0 ? '' : `\n\n${lines.join(' ')}`;
}

/** Markdown of a suite file: the table, the machine and the command. */
export function suiteMarkdown(file: SuiteFile): string {
  let body: string;
  switch (file.suite) {
    case 'eval':
      body = evalTable(file.results);
      break;
    case 'accuracy': {
      const summary = publishedSummary(file.runs);
      const notes = [...new Map(file.runs.map((r) => [r.label ?? r.problem, r.note ?? ''])).entries()].filter(([, n]) => n).map(([p, n]) => `- ${p}: ${n}`);
      body = accuracyTable(file.runs, file.thresholds) + summary + (notes.length ? `\n\nSettings (same points, optimizer and total steps for both models; \`solvers/bench/accuracySuite.ts\`):\n${notes.join('\n')}` : '');
      break;
    }
    case 'paper':
      body = paperTable(file.result);
      break;
    case 'pinnacle':
      body = pinnacleMarkdown(file.runs);
      break;
    case 'defaults':
      body = defaultsMarkdown(file.runs);
      break;
    default: {
      const never: never = file;
      throw new Error(`unknown suite ${JSON.stringify(never)}`);
    }
  }
  return `${body}\n\nMachine: ${machineLine(file.machine)}. Suite wall time ${file.seconds.toFixed(0)} s.\n${commandLine(file.command)}\n`;
}

/** Writes DIR/SUITE.json and DIR/SUITE.md; returns their paths. */
export async function saveSuiteFile(dir: string, file: SuiteFile): Promise<string[]> {
  const json = join(dir, `${file.suite}.json`);
  const md = join(dir, `${file.suite}.md`);
  await writeFileAtomic(json, `${JSON.stringify(file, null, 2)}\n`);
  await writeFileAtomic(md, `# kanpinn bench --suite ${file.suite}\n\n${suiteMarkdown(file)}`);
  return [json, md];
}
