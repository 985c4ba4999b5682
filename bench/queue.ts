// The space's queue (client/limiter.ts) at 1,000, 10,000 and 100,000 waiting (Max queued's
// default, a large setting, its most): what one waiter costs when a node closes with the queue
// full (every waiter leaves on the node's signal), and when the queue drains one slot at a time.
// The same cost per waiter at every size is the target (issue 15: a bounded memory costs the
// same per operation empty or full). Run after `npm run build`:
//   npx tsx bench/queue.ts [--package=DIR]
import { setMaxListeners } from 'node:events';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as LimiterModule from '../nodes/lib/client/limiter';

const pkgArg = process.argv.find((a) => a.startsWith('--package='));
const pkgDir = pkgArg ? path.resolve(pkgArg.slice('--package='.length)) : path.join(__dirname, '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Limiter } = require(path.join(pkgDir, 'dist', 'nodes', 'lib', 'client', 'limiter.js')) as typeof LimiterModule;

/** One slot, held; `n` waiters behind it on one node's signal. */
function fullQueue(n: number) {
  const limiter = new Limiter(1, n);
  const node = new AbortController();
  setMaxListeners(0, node.signal);
  return { limiter, node };
}

async function closeWithQueue(n: number): Promise<number> {
  const { limiter, node } = fullQueue(n);
  await limiter.acquire();
  const waits = Array.from({ length: n }, () => limiter.acquire(node.signal).catch(() => undefined));
  const t0 = performance.now();
  node.abort();
  await Promise.all(waits);
  return performance.now() - t0;
}

async function drainQueue(n: number): Promise<number> {
  const { limiter, node } = fullQueue(n);
  const hold = await limiter.acquire();
  const waits = Array.from({ length: n }, () => limiter.acquire(node.signal).then((release) => release()));
  const t0 = performance.now();
  hold();
  await Promise.all(waits);
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const sizes = [1000, 10_000, 100_000];
  const reps = 3;
  console.log(`space queue (${path.relative(process.cwd(), pkgDir) || '.'}): µs per waiter, median of ${reps}`);
  console.log('| waiting | a node closes: µs each | drained one slot at a time: µs each |');
  console.log('| ------: | ---------------------: | ----------------------------------: |');
  for (const n of sizes) {
    const close: number[] = [];
    const drain: number[] = [];
    for (let r = 0; r < reps; r++) {
      close.push(((await closeWithQueue(n)) * 1000) / n);
      drain.push(((await drainQueue(n)) * 1000) / n);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(`| ${n.toLocaleString('en-US')} | ${median(close).toFixed(2)} | ${median(drain).toFixed(2)} |`);
  }
}

void main();
