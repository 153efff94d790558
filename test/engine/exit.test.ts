/**
 * Worker threads never keep a process alive: the built CLI runs a threaded benchmark row and
 * exits by itself (the workers are unref'd and blocked in Atomics.wait when it ends).
 */
import { describe, expect, it } from 'vitest';
import { BUILT, startCli } from '../cli/spawn.js';

describe('kernel threads in a process', () => {
  it.skipIf(!BUILT)('let the CLI exit by itself after a threaded run, which records its thread count', async () => {
    const run = startCli(['bench', '--suite', 'eval', '--threads', '2', '--quick', '--only', 'kan-G5-525', '--json']);
    const timer = setTimeout(() => run.child.kill('SIGKILL'), 50_000);
    const ended = await run.ended;
    clearTimeout(timer);
    expect(ended.signal, 'killed: the process did not exit by itself').toBeNull();
    expect(ended.code).toBe(0);
    const result = JSON.parse(ended.stdout) as { results: { name: string; threads: number }[] };
    expect(result.results.map((r) => [r.name, r.threads])).toEqual([['kan-G5-525', 2]]);
  });
});
