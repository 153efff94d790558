/** A progress bar on stderr (cli-progress) for long runs: stage, step, loss and the latest rel. L2. */
import cliProgress from 'cli-progress';
import type { ProgressEvent } from '../src/index.js';

export interface ProgressReporter {
  update: (event: ProgressEvent) => void;
  stop: () => void;
}

const fmt = (v: number | null): string => (v === null || !Number.isFinite(v) ? '—' : v.toExponential(2));

/** A reporter that draws a bar when `enabled` and stderr is a terminal, else stays silent. */
export function progressReporter(enabled: boolean, label: string): ProgressReporter {
  if (!enabled || !process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
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
