import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  runOnce,
  caughtError,
  collect,
  credentials,
  flow,
  helper,
  lastStatus,
  listConferencesNode,
  listNode,
  load,
  next,
  outcome,
  spaceNode,
  useSpace,
  type Msg,
} from '../support/harness';

const LIST = { type: 'signalwire-list-conferences' };
const NODES = [spaceNode, listConferencesNode, listNode];

/** A conference created (and last updated) on `day` at noon UTC, in RFC 2822 as the API writes it. */
const on = (day: string) => new Date(`${day}T12:00:00Z`).toUTCString().replace('GMT', '+0000');

describe('signalwire-list-conferences', function () {
  const h = useSpace();

  /** The node (its settings merged over LIST) run on `msg`: what reached out, or with `expectError` the Catch node. */
  const run = (node: object, msg: Msg, expectError = false) => runOnce(h.space, { ...LIST, ...node }, msg, NODES, expectError);

  const listRequests = () => h.space.requests.filter((r) => r.path.endsWith('/Conferences'));

  describe('all pages (default mode)', () => {
    it('follows next_page_uri at PageSize 1000 and sends every conference, unchanged, in one message', async () => {
      for (let i = 0; i < 1500; i++) h.space.addConference();
      const n1 = await load(flow(LIST, h.space), credentials(h.space), NODES);
      const got = outcome();
      n1.receive({ topic: 't' });
      const msg = await got;
      assert.equal(msg.payload.length, 1501);
      assert.deepEqual(msg.payload, h.space.conferenceObjects());
      assert.deepEqual(Object.keys(msg.payload[0]), ['sid', 'account_sid', 'date_created', 'date_updated', 'friendly_name', 'status', 'api_version', 'region', 'uri', 'subresource_uris']);
      assert.equal(msg.topic, 't');
      assert.equal(h.space.requests.length, 2);
      assert.equal(h.space.requests[0].path, `/api/laml/2010-04-01/Accounts/${h.space.projectId}/Conferences`);
      assert.deepEqual(h.space.requests[0].query, { PageSize: '1000' });
      assert.match(h.space.requests[1].query.PageToken, /^PA/);
      assert.deepEqual(await lastStatus(n1), { fill: 'green', shape: 'dot', text: '1501 conferences' });
    });

    it('stops with an error past max pages, and past max items, sending nothing', async () => {
      for (let i = 0; i < 1500; i++) h.space.addConference();
      const pages = await run({ maxPages: 1 }, {}, true);
      assert.match(pages.error.message, /more than 1 pages/);
      assert.equal(listRequests().length, 1);
      await helper.unload();
      h.space.resetStats();
      const items = await run({ maxItems: 1200 }, {}, true);
      assert.match(items.error.message, /more than 1200 conferences/);
      assert.equal(listRequests().length, 2);
    });

    it('refuses a next_page_uri that leaves the conferences listing, with no request for it', async () => {
      for (let i = 0; i < 1500; i++) h.space.addConference();
      h.space.pagingQuirk = { nextPageUri: `/api/laml/2010-04-01/Accounts/${h.space.projectId}/Conferences/${h.conferenceSid}/Participants?PageToken=PA1` };
      const msg = await run({}, {}, true);
      assert.match(msg.error.message, /next_page_uri .* does not continue this listing/);
      assert.equal(h.space.requests.length, 1);
    });

    it('stops when next_page_uri repeats', async () => {
      for (let i = 0; i < 2500; i++) h.space.addConference();
      h.space.pagingQuirk = 'repeat-next';
      const msg = await run({}, {}, true);
      assert.match(msg.error.message, /same next_page_uri twice/);
    });
  });

  describe('filters', () => {
    beforeEach(() => {
      // The harness's conference ("first" below) is older than the others.
      h.space.updateConference(h.conferenceSid, { date_created: on('2023-06-01'), date_updated: on('2023-06-01') });
      h.space.addConference('jan10', { friendly_name: 'standup', date_created: on('2024-01-10'), date_updated: on('2024-01-11') });
      h.space.addConference('jan20', { friendly_name: 'retro', date_created: on('2024-01-20'), date_updated: on('2024-01-20') });
      h.space.addCompletedConference('feb01', { friendly_name: 'standup', date_created: on('2024-02-01'), date_updated: on('2024-02-02') });
    });

    const sids = (msg: Msg) => (msg.payload as Array<{ sid: string }>).map((c) => (c.sid === h.conferenceSid ? 'first' : c.sid));

    const CASES: Array<[string, string, string, string[]]> = [
      ['friendlyName', 'FriendlyName', 'standup', ['jan10', 'feb01']],
      ['status', 'Status', 'completed', ['feb01']],
      ['dateCreated', 'DateCreated', '2024-01-20', ['jan20']],
      ['dateCreatedBefore', 'DateCreated<', '2024-01-20', ['first', 'jan10']],
      ['dateCreatedAfter', 'DateCreated>', '2024-01-20', ['feb01']],
      ['dateUpdated', 'DateUpdated', '2024-01-11', ['jan10']],
      ['dateUpdatedBefore', 'DateUpdated<', '2024-01-20', ['first', 'jan10']],
      ['dateUpdatedAfter', 'DateUpdated>', '2024-01-11', ['jan20', 'feb01']],
    ];
    for (const [property, name, value, expected] of CASES) {
      it(`${property}: the node's field is sent as ${name} and the answer passes unchanged`, async () => {
        const msg = await run({ [property]: value }, {});
        assert.deepEqual(h.space.requests[0].query, { PageSize: '1000', [name]: value });
        assert.deepEqual(sids(msg), expected);
      });

      it(`${property}: msg.${property} overrides the node's field`, async () => {
        const msg = await run({ [property]: property === 'status' ? 'init' : property === 'friendlyName' ? 'nothing-like-it' : '1999-01-01' }, { [property]: value });
        assert.deepEqual(h.space.requests[0].query, { PageSize: '1000', [name]: value });
        assert.deepEqual(sids(msg), expected);
      });
    }

    it('sends every filter at once, the < and > percent-encoded in the query names', async () => {
      const seen: string[] = [];
      const capture = http.createServer((req, res) => {
        seen.push(req.url ?? '');
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ uri: req.url, first_page_uri: '', next_page_uri: null, previous_page_uri: null, page: 0, page_size: 1000, conferences: [] }));
      });
      await new Promise<void>((r) => capture.listen(0, '127.0.0.1', r));
      try {
        const url = `http://127.0.0.1:${(capture.address() as AddressInfo).port}`;
        const nodes = flow({ ...LIST, friendlyName: 'a b&c', status: 'in-progress' }, h.space);
        nodes[1].space = url;
        const n1 = await load(nodes, credentials(h.space), NODES);
        const got = outcome();
        n1.receive({ dateCreated: '2024-01-01', dateCreatedBefore: '2024-01-02', dateCreatedAfter: '2024-01-03', dateUpdated: '2024-01-04', dateUpdatedBefore: '2024-01-05', dateUpdatedAfter: '2024-01-06' });
        assert.deepEqual((await got).payload, []);
        const query = seen[0].split('?')[1];
        for (const part of ['FriendlyName=a+b%26c', 'Status=in-progress', 'DateCreated=2024-01-01', 'DateCreated%3C=2024-01-02', 'DateCreated%3E=2024-01-03', 'DateUpdated=2024-01-04', 'DateUpdated%3C=2024-01-05', 'DateUpdated%3E=2024-01-06']) {
          assert.ok(query.split('&').includes(part), `${part} in ${query}`);
        }
      } finally {
        await new Promise<void>((r) => capture.close(() => r()));
      }
    });

    it('keeps the filters on every page it follows', async () => {
      for (let i = 0; i < 1100; i++) h.space.addConference(undefined, { friendly_name: 'big' });
      const msg = await run({ friendlyName: 'big' }, {});
      assert.equal(msg.payload.length, 1100);
      assert.equal(h.space.requests.length, 2);
      assert.equal(h.space.requests[1].query.FriendlyName, 'big');
    });
  });

  describe('bad filters are refused before any request, naming the field', () => {
    const BAD: Array<[string, unknown, RegExp]> = [
      ['dateCreated', '2024-02-30', /^Created on must be a date written YYYY-MM-DD \(for example 2024-05-31\), got "2024-02-30"$/],
      ['dateCreatedBefore', '2024-1-5', /^Created before must be a date/],
      ['dateCreatedAfter', 20240101, /^Created after must be a date .*got 20240101$/],
      ['dateUpdated', 'yesterday', /^Updated on must be a date/],
      ['dateUpdatedBefore', '2023-13-01', /^Updated before must be a date/],
      ['dateUpdatedAfter', '2024-01-01T00:00:00Z', /^Updated after must be a date/],
      ['status', 'running', /^Status must be one of init, in-progress, completed, got "running"$/],
      ['status', true, /^Status must be one of/],
      ['friendlyName', 'x'.repeat(65), /^Friendly name must be text of at most 64 characters/],
      ['friendlyName', 'two\nlines', /^Friendly name must be text .*got "two\\nlines"$/],
      ['friendlyName', { name: 'x' }, /^Friendly name must be text .*got an object$/],
    ];
    for (const [property, value, message] of BAD) {
      it(`msg.${property} = ${JSON.stringify(value).slice(0, 30)}`, async () => {
        const msg = await run({}, { [property]: value }, true);
        assert.match(msg.error.message, message);
        assert.equal(h.space.requests.length, 0);
      });
    }

    it('a bad filter in the node itself shows at deploy and fails every message, with no request', async () => {
      const n1 = await load(flow({ ...LIST, dateCreatedAfter: '2024-02-31' }, h.space), credentials(h.space), NODES);
      const err = caughtError();
      n1.receive({ dateCreatedAfter: '2024-02-01' });
      assert.match((await err).error.message, /^Created after must be a date .*"2024-02-31"$/);
      assert.equal(h.space.requests.length, 0);
      assert.equal((await lastStatus(n1))?.fill, 'red');
    });

    it('accepts a 64-character friendly name and a leap day', async () => {
      const msg = await run({ friendlyName: 'n'.repeat(64) }, { dateCreated: '2024-02-29' });
      assert.deepEqual(msg.payload, []);
      assert.equal(h.space.requests[0].query.DateCreated, '2024-02-29');
    });
  });

  describe('one page and one message per page', () => {
    beforeEach(() => {
      for (let i = 0; i < 4; i++) h.space.addConference(undefined, { friendly_name: 'room' });
    });

    it('one page: msg.pageSize, then msg.paging.next fed back gives the next page', async () => {
      const n1 = await load(flow({ ...LIST, mode: 'page', friendlyName: 'room' }, h.space), credentials(h.space), NODES);
      let got = outcome();
      n1.receive({ pageSize: 3 });
      const first = await got;
      assert.equal(first.payload.length, 3);
      assert.equal(first.paging.page, 0);
      assert.equal(first.paging.pageSize, 3);
      assert.match(first.paging.next.pageToken, /^PA/);
      assert.deepEqual(await lastStatus(n1), { fill: 'green', shape: 'dot', text: 'page 0: 3 conferences' });
      got = outcome();
      n1.receive({ page: first.paging.next.page, pageSize: first.paging.next.pageSize, pageToken: first.paging.next.pageToken });
      const second = await got;
      assert.equal(second.payload.length, 1);
      assert.equal(second.paging.next, null);
      assert.deepEqual([...first.payload, ...second.payload], h.space.conferenceObjects().filter((c) => c.friendly_name === 'room'));
      assert.equal(h.space.requests[1].query.FriendlyName, 'room');
    });

    it('one message per page: msg.parts so a join node rebuilds the list', async () => {
      const n1 = await load(flow({ ...LIST, mode: 'pages', pageSize: 2, friendlyName: 'room' }, h.space), credentials(h.space), NODES);
      n1.receive({});
      const a = await next('out');
      const b = await next('out');
      assert.deepEqual(await collect('out', 50), []);
      assert.equal(a.parts.id, b.parts.id);
      assert.deepEqual([a.parts.index, b.parts.index], [0, 1]);
      assert.equal(a.parts.count, undefined);
      assert.equal(b.parts.count, 2);
      assert.equal(a.paging.pageSize, 2);
      assert.deepEqual([...a.payload, ...b.payload], h.space.conferenceObjects().filter((c) => c.friendly_name === 'room'));
    });

    it('one message per page stops past max pages with an error after the pages it sent', async () => {
      const n1 = await load(flow({ ...LIST, mode: 'pages', pageSize: 1, maxPages: 2 }, h.space), credentials(h.space), NODES);
      n1.receive({});
      assert.match((await next('caught')).error.message, /more than 2 pages/);
      assert.equal((await collect('out', 50)).length, 2);
    });
  });

  it('reports a wrong token as "SignalWire 401 (20003): Authentication failed" with statusCode and the API body', async () => {
    const n1 = await load(flow(LIST, h.space), credentials(h.space, { apiToken: 'wrong-token' }), NODES);
    const err = caughtError();
    n1.receive({});
    const msg = await err;
    assert.equal(msg.error.message, 'SignalWire 401 (20003): Authentication failed');
    assert.equal(msg.statusCode, 401);
    assert.equal(msg.signalwireError.code, 20003);
  });

  it('reports a 404 to the account\'s conferences as a wrong space or Project ID, the API\'s text beside it', async () => {
    h.space.injectFaults({ kind: 'status', status: 404, body: 'json' });
    const msg = await run({}, {}, true);
    assert.equal(msg.error.message, 'SignalWire 404: no account with this Project ID at this address: check the space and the Project ID');
    assert.equal(msg.statusCode, 404);
    assert.equal(msg.signalwireError.code, 20404);
  });
});
