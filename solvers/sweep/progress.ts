/**
 * One progress display for a whole sweep on stderr: runs done / running / failed and the ETA
 * (a cli-progress bar on a terminal; one line per finished or failed run otherwise).
 */
import cliProgress from 'cli-progress';
import { sci } from '../bench/compareOutput.js';

export interface SweepProgress {
  start: (label: string) => void;
  done: (label: string, relL2: number | null, seconds: number) => void;
  failed: (label: string, error: string) => void;
  retry: (label: string, error: string) => void;
  /** Sets the running count when it is known from outside (a Redis queue). */
  running: (count: number) => void;
  stop: () => void;
}

/** A display for `total` runs; `enabled` false: silent. */
export function sweepProgress(total: number, enabled: boolean, write: (line: string) => void): SweepProgress {
  let done = 0;
  let failed = 0;
  let running = 0;
  const tty = enabled && process.stderr.isTTY;
  const bar = tty
    ? new cliProgress.SingleBar(
        { stream: process.stderr, format: 'sweep |{bar}| {value}/{total} done | {running} running | {failed} failed | ETA {eta_formatted}', hideCursor: true, etaBuffer: 8 },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(total, 0, { running: 0, failed: 0 });
  const redraw = (): void => bar?.update(done, { running, failed });
  const started = Date.now();
  // ETA from the mean time per finished run so far (runs overlap, so this is wall time per run).
  const eta = (): string => {
    const finished = done + failed;
    if (finished === 0) return '?';
    const seconds = Math.round(((Date.now() - started) / 1000 / finished) * (total - finished));
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  };
  const say = (line: string): void => {
    if (enabled && !tty) write(`[${done}/${total} done, ${running} running, ${failed} failed, ETA ${eta()}] ${line}`);
  };
  return {
    start(label) {
      running++;
      redraw();
      say(`start ${label}`);
    },
    done(label, relL2, seconds) {
      done++;
      running = Math.max(0, running - 1);
      redraw();
      say(`done ${label}: rel. L2 ${sci(relL2)}, ${seconds.toFixed(1)} s`);
    },
    failed(label, error) {
      failed++;
      running = Math.max(0, running - 1);
      redraw();
      say(`FAILED ${label}: ${error}`);
    },
    retry(label, error) {
      running = Math.max(0, running - 1);
      redraw();
      say(`retry ${label}: ${error}`);
    },
    running(count) {
      running = count;
      redraw();
    },
    stop() {
      bar?.stop();
    },
  };
}
