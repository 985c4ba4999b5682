// The dates of callbacks and API objects (shared/timestamps.ts, as built in dist/): RFC 2822 with
// any zone, ISO 8601, and nothing that is not a real date.
import assert from 'node:assert/strict';
import type * as TimestampsModule from '../../nodes/lib/shared/timestamps';

/* eslint-disable @typescript-eslint/no-require-imports */
const { toIsoTimestamp }: typeof TimestampsModule = require('../../dist/nodes/lib/shared/timestamps.js');

describe('timestamps (nodes/lib/shared/timestamps.ts)', () => {
  it('reads RFC 2822 dates with any zone, without a weekday or seconds; refuses impossible dates', () => {
    assert.equal(toIsoTimestamp('Tue, 14 Aug 2018 19:37:39 +0000'), '2018-08-14T19:37:39.000Z');
    assert.equal(toIsoTimestamp('14 Aug 2018 21:37:39 +0200'), '2018-08-14T19:37:39.000Z');
    assert.equal(toIsoTimestamp('Tue, 14 Aug 2018 14:37 -0500'), '2018-08-14T19:37:00.000Z');
    assert.equal(toIsoTimestamp('Tue, 14 Aug 2018 19:37:39 GMT'), '2018-08-14T19:37:39.000Z');
    assert.equal(toIsoTimestamp('2018-08-14T19:37:39Z'), '2018-08-14T19:37:39.000Z');
    for (const bad of ['31 Feb 2018 10:00:00 +0000', '14 Aug 2018 25:00:00 +0000', '14 Foo 2018 10:00:00 +0000', '1534275459', '']) assert.equal(toIsoTimestamp(bad), null, bad);
  });
});
