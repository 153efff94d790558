/**
 * Progress of long runs on stderr: a bar (cli-progress) on a terminal, else a plain log line every
 * few steps (batch jobs, CI, `2> log`), so that a run is never silent until its end. `--quiet`
 * silences both.
 */
import cliProgress from 'cli-progress';
import type { ProgressEvent } from '../src/index.js';

export interface ProgressReporter {
  update: (event: ProgressEvent) => void;
  stop: () => void;
}

/** Where progress goes; `process.stderr` unless a test gives its own. */
export interface ProgressStream {
  write: (text: string) => unknown;
  isTTY?: boolean;
}

/** Log lines per run when stderr is not a terminal (plus the last step). */
export const LOG_LINES_PER_RUN = 20;

const fmt = (v: number | null): string => (v === null || !Number.isFinite(v) ? '—' : v.toExponential(2));

/** One plain log line: stage, step, loss, rel. L2, elapsed. */
export function progressLine(label: string, e: ProgressEvent): string {
  return `${label}: stage ${e.stage + 1}/${e.stages}${e.grid !== null ? ` grid ${e.grid}` : ''}, step ${e.totalStep}/${e.totalSteps}, loss ${fmt(e.loss)}, rel. L2 ${fmt(e.relL2)}, ${e.seconds.toFixed(1)} s`;
}

/**
 * A reporter: silent when not `enabled`; a bar when `stream` is a terminal; else a log line every
 * `every` steps (default: about `LOG_LINES_PER_RUN` lines per run) and at the last step.
 */
export function progressReporter(enabled: boolean, label: string, stream: ProgressStream = process.stderr, every?: number): ProgressReporter {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  if (!stream.isTTY) {
    return {
      update(e) {
        const n = every ?? Math.max(1, Math.ceil(e.totalSteps / LOG_LINES_PER_RUN));
        if (e.totalStep % n === 0 || e.totalStep === e.totalSteps) stream.write(`${progressLine(label, e)}\n`);
      },
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as NodeJS.WritableStream,
      format: `${label} |{bar}| {percentage}% | stage {stage} grid {grid} | step {value}/{total} | loss {loss} | rel. L2 {relL2} | {seconds}s`,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(e) {
      const payload = { stage: `${e.stage + 1}/${e.stages}`, grid: e.grid ?? '–', loss: fmt(e.loss), relL2: fmt(e.relL2), seconds: e.seconds.toFixed(1) };
      if (!started) {
        bar.start(e.totalSteps, e.totalStep, payload);
        started = true;
      } else bar.update(e.totalStep, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
