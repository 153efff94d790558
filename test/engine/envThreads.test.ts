import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';

/** A fresh copy of the pool module, so that its default is read again from the environment. */
async function freshPool(value: string | undefined): Promise<typeof import('../../src/engine/pool.js')> {
  vi.resetModules();
  if (value === undefined) delete process.env.KANPINN_THREADS;
  else process.env.KANPINN_THREADS = value;
  return import('../../src/engine/pool.js');
}

describe('KANPINN_THREADS', () => {
  afterEach(() => {
    delete process.env.KANPINN_THREADS;
  });

  it('sets the default thread count (a sweep worker process gets its share of the cores this way)', async () => {
    expect((await freshPool('3')).getThreads()).toBe(3);
    // unset: the machine's cores
    const pool = await freshPool(undefined);
    expect(pool.getThreads()).toBe(pool.machineThreads());
    expect(pool.machineThreads()).toBe(availableParallelism());
  });

  it('is refused unless it is an integer >= 1, naming the variable', async () => {
    await expect((async () => (await freshPool('0')).getThreads())()).rejects.toThrow('KANPINN_THREADS: expected an integer >= 1, got "0"');
    await expect((async () => (await freshPool('two')).getThreads())()).rejects.toThrow('KANPINN_THREADS: expected an integer >= 1, got "two"');
  });
});
