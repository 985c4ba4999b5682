// Mocha root hooks for every spec: the real message catalogues are loaded before any test, and
// after the last one the run fails when it leaves a timer or a handle behind (naming each).
import { cataloguesReady } from './catalogues';
import { noteTimers, settledLeftovers } from './leftovers';

noteTimers();

/** Time for sockets to finish closing and a last timer to fire before the leftovers count. */
const GRACE_MS = 1000;

export const mochaHooks = {
  async beforeAll(): Promise<void> {
    await cataloguesReady();
  },

  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(GRACE_MS + 10_000);
    const left = await settledLeftovers(GRACE_MS);
    if (left.length === 0) return;
    // They would keep the process (exit: false) running: mocha reports this failure, then the
    // process ends rather than waiting for them.
    setTimeout(() => process.exit(), 2000).unref();
    process.exitCode = 1;
    throw new Error(`the run left timers or handles that keep the process alive:\n  ${left.join('\n  ')}`);
  },
};
