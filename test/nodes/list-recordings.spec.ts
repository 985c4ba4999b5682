// List recordings against the fake space: the recordings of one conference as the API returns
// them, through the shared listing code (the three modes, page size, caps), the DateCreated
// filters from the node or the message, the conference SID's payload fallback, bad input with no
// request, no secret in errors.
import assert from 'node:assert/strict';
import {
  runOnce,
  caughtError,
  collect,
  credentials,
  flow,
  helper,
  lastStatus,
  listRecordingsNode,
  load,
  next,
  outcome,
  spaceNode,
  useSpace,
  type Msg,
} from '../support/harness';

const LIST = { type: 'signalwire-list-recordings' };
const NODES = [spaceNode, listRecordingsNode];

/** A recording created on `day` at noon UTC, in RFC 2822 as the API writes it. */
const on = (day: string) => new Date(`${day}T12:00:00Z`).toUTCString().replace('GMT', '+0000');

describe('signalwire-list-recordings', function () {
  const h = useSpace();

  /** The node (its settings merged over LIST) run on `msg`: what reached out, or with `expectError` the Catch node. */
  const run = (node: object, msg: Msg, expectError = false) => runOnce(h.space, { ...LIST, ...node }, msg, NODES, expectError);

  const listPath = () => `/api/laml/2010-04-01/Accounts/${h.space.projectId}/Conferences/${h.conferenceSid}/Recordings`;

  it('sends every recording of the conference, unchanged, in one message (PageSize 1000, following next_page_uri)', async () => {
    for (let i = 0; i < 1200; i++) h.space.startRecording(h.conferenceSid, { status: i < 1199 ? 'completed' : 'in-progress' });
    const n1 = await load(flow(LIST, h.space), credentials(h.space), NODES);
    const got = outcome();
    n1.receive({ conferenceSid: h.conferenceSid, topic: 't' });
    const msg = await got;
    assert.equal(msg.payload.length, 1200);
    assert.deepEqual(msg.payload, h.space.recordings(h.conferenceSid));
    assert.equal(msg.topic, 't');
    assert.deepEqual(h.space.requests.map((r) => [r.method, r.path]), [['GET', listPath()], ['GET', listPath()]]);
    assert.deepEqual(h.space.requests[0].query, { PageSize: '1000' });
    assert.match(h.space.requests[1].query.PageToken, /^PA/);
    assert.deepEqual(await lastStatus(n1), { fill: 'green', shape: 'dot', text: '1200 recordings' });
  });

  it('one page: msg.paging, and msg.page / msg.pageSize / msg.pageToken choose the page', async () => {
    for (let i = 0; i < 5; i++) h.space.startRecording(h.conferenceSid);
    const first = await run({ mode: 'page', pageSize: 2 }, { conferenceSid: h.conferenceSid });
    assert.equal(first.payload.length, 2);
    assert.equal(first.paging.page, 0);
    assert.ok(first.paging.next?.pageToken);
    await helper.unload();
    const second = await run({ mode: 'page' }, { conferenceSid: h.conferenceSid, ...first.paging.next });
    assert.deepEqual(second.payload.map((r: Msg) => r.sid), h.space.recordings(h.conferenceSid).slice(2, 4).map((r) => r.sid));
  });

  it('one message per page, with msg.parts for a join node', async () => {
    for (let i = 0; i < 5; i++) h.space.startRecording(h.conferenceSid);
    const n1 = await load(flow({ ...LIST, mode: 'pages', pageSize: 2 }, h.space), credentials(h.space), NODES);
    n1.receive({ conferenceSid: h.conferenceSid });
    const pages = [await next('out'), await next('out'), await next('out')];
    assert.deepEqual(pages.map((m) => m.payload.length), [2, 2, 1]);
    assert.deepEqual(pages.map((m) => m.parts.index), [0, 1, 2]);
    assert.equal(pages[2].parts.count, 3);
    assert.deepEqual(await collect('out', 50), []);
  });

  it('sends the date filters from the node, the message winning, as DateCreated / DateCreated< / DateCreated>', async () => {
    const early = h.space.startRecording(h.conferenceSid, { date_created: on('2024-01-01') });
    const middle = h.space.startRecording(h.conferenceSid, { date_created: on('2024-01-02') });
    const late = h.space.startRecording(h.conferenceSid, { date_created: on('2024-01-03') });
    const after = await run({ dateCreatedAfter: '2024-01-01' }, { conferenceSid: h.conferenceSid });
    assert.deepEqual(after.payload.map((r: Msg) => r.sid), [middle.sid, late.sid]);
    assert.deepEqual(h.space.requests[0].query, { 'DateCreated>': '2024-01-01', PageSize: '1000' });
    await helper.unload();
    h.space.resetStats();
    const before = await run({ dateCreatedAfter: '2024-01-01' }, { conferenceSid: h.conferenceSid, dateCreatedAfter: '', dateCreatedBefore: '2024-01-02', dateCreated: ' ' });
    assert.deepEqual(before.payload.map((r: Msg) => r.sid), [], 'before the 2nd and after the 1st (the node\'s, kept when msg\'s is blank)');
    assert.deepEqual(h.space.requests[0].query, { 'DateCreated<': '2024-01-02', 'DateCreated>': '2024-01-01', PageSize: '1000' });
    await helper.unload();
    const day = await run({}, { conferenceSid: h.conferenceSid, dateCreated: '2024-01-01' });
    assert.deepEqual(day.payload.map((r: Msg) => r.sid), [early.sid]);
  });

  it('reads the conference SID from msg.payload.ConferenceSid of a status callback, or a configured property', async () => {
    const r = h.space.startRecording(h.conferenceSid);
    const fromCallback = await run({}, { payload: { ConferenceSid: h.conferenceSid, StatusCallbackEvent: 'conference-start' } });
    assert.deepEqual(fromCallback.payload.map((x: Msg) => x.sid), [r.sid]);
    await helper.unload();
    const fixed = await run({ conferenceSid: h.conferenceSid, conferenceSidType: 'str' }, {});
    assert.equal(fixed.payload.length, 1);
  });

  it('stops with an error past max items, sending nothing', async () => {
    for (let i = 0; i < 5; i++) h.space.startRecording(h.conferenceSid);
    const err = await run({ maxItems: 3 }, { conferenceSid: h.conferenceSid }, true);
    assert.match(err.error.message, /^SignalWire listing has more than 3 recordings/);
    assert.deepEqual(await collect('out', 0), []);
  });

  it('reports an unknown conference (404) to the Catch node', async () => {
    const err = await run({}, { conferenceSid: 'no-such-conference' }, true);
    assert.equal(err.statusCode, 404);
    assert.equal(err.error.message, 'SignalWire 404: the conference does not exist or has ended');
  });

  describe('bad input: a clear error and no request', () => {
    const BAD: Array<{ name: string; node?: object; msg: Msg; error: RegExp; status?: string }> = [
      { name: 'no conference SID', msg: { conferenceSid: undefined }, error: /^Conference SID is missing: set msg\.conferenceSid \(or msg\.payload\.ConferenceSid\)$/ },
      { name: 'an unsafe conference SID', msg: { conferenceSid: '../Calls' }, error: /^Conference SID "..\/Calls" may contain only/ },
      { name: 'a date that is not YYYY-MM-DD', msg: { dateCreated: '31.05.2024' }, error: /^Created on must be a date written YYYY-MM-DD .*got "31.05.2024"$/ },
      { name: 'a date that does not exist', msg: { dateCreatedBefore: '2023-02-29' }, error: /^Created before must be a date/ },
      { name: 'a page size over 1000', node: { mode: 'page' }, msg: { pageSize: 5000 }, error: /^Page size must be a whole number from 1 to 1000, got 5000$/ },
      { name: 'a page token that is not one', node: { mode: 'page' }, msg: { pageToken: 'x/../y' }, error: /^Page token must start with PA or PB/ },
      { name: 'a bad date in the node (config error)', node: { dateCreatedAfter: 'yesterday' }, msg: {}, error: /^Created after must be a date/, status: 'config error' },
    ];
    for (const { name, node, msg, error, status } of BAD) {
      it(name, async () => {
        const n1 = await load(flow({ ...LIST, ...node }, h.space), credentials(h.space), NODES);
        const got = caughtError();
        n1.receive({ conferenceSid: h.conferenceSid, ...msg });
        assert.match((await got).error.message, error);
        assert.equal(h.space.requests.length, 0);
        assert.deepEqual(await lastStatus(n1), { fill: 'red', shape: 'ring', text: status ?? 'invalid input' });
      });
    }
  });

  it('never shows the API token, also when the server echoes it', async () => {
    const token = h.space.apiToken;
    h.space.injectFaults({ kind: 'status', status: 400, body: JSON.stringify({ code: 20001, message: `bad ${token}`, more_info: `https://x/${token}`, status: 400 }) });
    const err = await run({}, { conferenceSid: h.conferenceSid }, true);
    assert.match(err.error.message, /\[redacted\]/);
    assert.ok(!JSON.stringify({ error: err.error, body: err.signalwireError, log: helper.log().args }).includes(token));
  });
});
