/**
 * A Redis for the sweep tests: the URL in KANPINN_TEST_REDIS (set by .ci/run), else a private
 * redis-server on a free loopback port when Debian's redis-server is installed, else null (skip).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface TestRedis {
  url: string;
  stop: () => Promise<void>;
}

/** Why the Redis tests are skipped, or null when they can run. */
export function redisSkipReason(): string | null {
  if (process.env.KANPINN_TEST_REDIS) return null;
  const found = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return found.error ? 'redis-server is not installed (apt-get install redis-server; .ci/run does)' : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts (or borrows) a Redis; `stop` ends only a server started here. */
export async function startRedis(): Promise<TestRedis> {
  const given = process.env.KANPINN_TEST_REDIS;
  if (given) return { url: given, stop: async () => undefined };
  const port = await freePort();
  const server: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start on port ${port}: ${seen.slice(-300)}`)), 10_000);
    server.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with code ${code}: ${seen.slice(-300)}`));
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        if (server.exitCode !== null) return resolve();
        server.once('exit', () => resolve());
        server.kill('SIGTERM');
      }),
  };
}
