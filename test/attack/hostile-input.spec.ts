// The attack suite, message side: whatever a flow (or a public callback behind it) puts on a
// msg gives a short, clear error, makes no request and cannot break the node.
import assert from 'node:assert/strict';
import { caughtError, credentials, flow, load, useSpace } from '../support/harness';

const LIST = { type: 'signalwire-list-participants' };
const PAGE = { type: 'signalwire-list-participants', mode: 'page' };
const GET = { type: 'signalwire-get-participant' };

describe('hostile message input', function () {
  const h = useSpace(1);

  const circular: Record<string, unknown> = { a: 1 };
  circular.self = circular;

  const cases: Array<[string, object, Record<string, unknown>, RegExp]> = [
    ['a NaN page size', PAGE, { pageSize: NaN }, /^Page size must be a whole number from 1 to 1000, got NaN$/],
    ['an Infinity page size', PAGE, { pageSize: Infinity }, /^Page size must be a whole number from 1 to 1000, got Infinity$/],
    ['a page size of 1e3 as a string', PAGE, { pageSize: '1e3' }, /got "1e3"$/],
    ['a circular object as a filter', LIST, { muted: circular }, /^msg\.muted must be true or false \(boolean or string\), got an object$/],
    ['a 1 MB page token', PAGE, { pageToken: `PA${'x'.repeat(1_000_000)}` }, /^Page token must start with PA or PB .*, got "PAx+… \(999802 more characters\)"$/],
    ['a 1 MB conference SID', LIST, { conferenceSid: 'C'.repeat(1_000_000) }, /^Conference SID "C+… \(999800 more characters\)" may contain only/],
    ['a SID with a path in it', GET, { callSid: '../../Calls/x' }, /^Call SID "\.\.\/\.\.\/Calls\/x" may contain only letters/],
    ['a SID that is an array', GET, { callSid: ['a'] }, /^Call SID must be a string, got an array/],
    ['a SID with a NUL byte', GET, { callSid: 'CA1\u0000' }, /^Call SID "CA1\\u0000" may contain only/],
  ];

  for (const [what, node, input, expected] of cases) {
    it(`refuses ${what} with a short error and no request`, async () => {
      const n1 = await load(flow(node, h.space), credentials(h.space));
      const err = caughtError();
      n1.receive({ conferenceSid: h.conferenceSid, callSid: 'CA1', ...input });
      const msg = await err;
      assert.match(msg.error.message, expected);
      assert.ok(msg.error.message.length < 400, `${msg.error.message.length} characters`);
      assert.equal(h.space.requests.length, 0);
    });
  }
});
