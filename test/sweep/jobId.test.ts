import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionFromUrl, jobIdOf } from '../../solvers/sweep/queue.js';
import { redisSkipReason, startRedis, type TestRedis } from './redis.js';

// A run id is 12 hex digits; about one in 280 is all decimal digits, which BullMQ refuses as a
// custom job id ("Custom Id cannot be integers"): a sweep that drew such a run failed.
describe.skipIf(redisSkipReason() !== null)('BullMQ job ids of runs', () => {
  let redis: TestRedis;
  let queue: Queue;
  beforeAll(async () => {
    redis = await startRedis();
    queue = new Queue(`kanpinn-test-${process.pid}-jobid`, { connection: connectionFromUrl(redis.url) });
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await redis.stop();
  });

  it('a run whose id is all decimal digits is queued and found again', async () => {
    const run = { id: '123456789012' };
    await expect(queue.add('run', {}, { jobId: run.id })).rejects.toThrow(/integer/i);
    await queue.add('run', { ok: true }, { jobId: jobIdOf(run) });
    const job = await queue.getJob(jobIdOf(run));
    expect(job?.data).toEqual({ ok: true });
  });
});
