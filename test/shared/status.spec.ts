// What every node shows and logs (shared/status.ts, as built in dist/): at most one warning a
// minute, whatever floods it.
import assert from 'node:assert/strict';
import type * as StatusModule from '../../nodes/lib/shared/status';

/* eslint-disable @typescript-eslint/no-require-imports */
const { WarningLimiter }: typeof StatusModule = require('../../dist/nodes/lib/shared/status.js');

describe('warning limiter', () => {
  it('lets one warning a minute through and counts the ones it held back', () => {
    let now = 0;
    const w = new WarningLimiter(60_000, () => now);
    assert.deepEqual(w.take(), { log: true, suppressed: 0 });
    for (let i = 0; i < 100; i++) {
      now += 500;
      assert.deepEqual(w.take(), { log: false });
    }
    now = 60_000;
    assert.deepEqual(w.take(), { log: true, suppressed: 100 });
    assert.deepEqual(w.take(), { log: false });
  });
});
