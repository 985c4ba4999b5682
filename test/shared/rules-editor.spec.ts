// One set of rules: the same table of good and bad values goes through the editor dialogs'
// validators (the node HTML and resources/ scripts, run here as the editor runs them) and
// through the runtime, and both must agree on each value and say the same sentence.
import assert from 'node:assert/strict';
import { numberInput, optionalPageToken } from '../../nodes/lib/requests/inputs';
import { dateFilters, listSettings } from '../../nodes/lib/requests/listing';
import { eventsSettings } from '../../nodes/lib/callbacks/settings';
import { recordingWrite } from '../../nodes/lib/requests/recording-writes';
import { resolveSpaceSettings } from '../../nodes/lib/client/space';
import { problemError } from '../../nodes/lib/shared/errors';
import { checkConferenceStatus, checkDate, checkFriendlyName, CONFERENCE_DATE_FILTERS, RECORDING_DATE_FILTERS, type ConferenceDateField, type Problem, type RecordingDateField } from '../../nodes/lib/shared/rules';
import { loadEditor } from '../support/editor-sandbox';
import { conferenceWrite, participantWrite } from '../../nodes/lib/requests/writes';
import { rosterSettings } from '../../nodes/lib/roster/settings';

/** What the runtime says of a value: true, or its error message. */
function runtime(check: () => unknown): true | string {
  try {
    check();
    return true;
  } catch (err) {
    return (err as Error).message;
  }
}

const creds = { projectId: 'p', apiToken: 'token' };
const NUMBERS = ['10', '0', '0.5', '1', '2.5', '5 ', ' 7', '100', '101', '1000', '1001', '100000', '100001', '1000000', '1000001', '600', '601', '-1', 'abc', '1e3', '0x10', ''];

// A page of SignalWire's website pasted as the space, and the API roots a SignalWire host has.
const SIGNALWIRE_PATHS = [
  'example.signalwire.com/dashboard',
  'https://example.signalwire.com/dashboard/',
  'https://example.signalwire.com/phone_numbers/1234',
  'https://example.signalwire.com/api/laml/2010-04-01/Accounts/p-1',
  'https://example.signalwire.com/api/laml',
  'https://example.signalwire.com/API/LAML/2010-04-01',
  'https://example.signalwire.com/api/laml/2010-04-01',
  'example.signalwire.com/api/laml/2010-04-01/',
  'https://example.signalwire.com/2010-04-01',
  'https://Example.SignalWire.com/2010-04-01/',
  'https://laml.example.org/dashboard',
];

const CALL_URLS = ['https://x.example.com/a.xml', ' http://127.0.0.1:8080/hold ', 'HTTPS://X.EXAMPLE.COM/', 'ftp://x.example.com/a', 'javascript:alert(1)', '/relative.xml', 'https://u:p@x.example.com/', 'https://x.example.com/a b', 'not a url', 'https://', `https://x.example.com/${'a'.repeat(2100)}`, `https://x.example.com/ ${'b'.repeat(190)}`, ''];

type Row = { node: string; field: string; values: string[]; node_: object; run: (v: string) => unknown };

/**
 * The paging fields every list node has, each checked in a mode that uses it: the page size in
 * `sizeMode`, page and page token in `page`, the safety limits in `limitsMode`.
 */
function pagingRows(node: string, sizeMode: 'page' | 'pages', limitsMode: 'all' | 'pages'): Row[] {
  return [
    { node, field: 'pageSize', values: NUMBERS, node_: { mode: sizeMode }, run: (v) => numberInput('pageSize', v) },
    { node, field: 'page', values: NUMBERS, node_: { mode: 'page' }, run: (v) => numberInput('page', v) },
    { node, field: 'pageToken', values: ['PA1', 'PB-x_y.z~', 'XX1', 'PA1&Page=9', 'PA/..', 'pa1', `PA${'x'.repeat(600)}`, ''], node_: { mode: 'page' }, run: (v) => optionalPageToken(v) },
    ...(['maxPages', 'maxItems'] as const).map((field) => ({
      node,
      field,
      values: NUMBERS,
      node_: { mode: limitsMode },
      run: (v: string) => {
        const problem = listSettings({ mode: limitsMode, [field]: v }).problem;
        if (problem) throw problem;
      },
    })),
  ];
}

const TABLE: Row[] = [
  { node: 'signalwire-space', field: 'space', values: ['example', 'Example', 'example.signalwire.com', 'https://example.signalwire.com/', 'https://api.twilio.com/2010-04-01', 'example.signalwire.com:8443', 'http://127.0.0.1:9', 'http://localhost', 'http://example.com', 'ftp://example.com', 'https://u:p@example.com', 'p:t@example.com', 'https://x.com/a/../b', 'https://x.com/?q=1', 'https://x.com/#f', 'exa mple', 'a%41', 'https://x.com/a\\b', '-bad-', 'https://', ...SIGNALWIRE_PATHS], node_: {}, run: (v) => resolveSpaceSettings({ space: v }, creds, {}) },
  ...(['timeout', 'retries', 'maxInFlight', 'maxQueue'] as const).map((field) => ({ node: 'signalwire-space', field, values: NUMBERS, node_: {}, run: (v: string) => resolveSpaceSettings({ space: 'x', [field]: v }, creds, {}) })),
  ...pagingRows('signalwire-list-participants', 'page', 'all'),
  // list conferences: the paging fields of list participants, and its filters by their rules.
  ...pagingRows('signalwire-list-conferences', 'page', 'all'),
  ...(Object.keys(CONFERENCE_DATE_FILTERS) as ConferenceDateField[]).map((field) => ({
    node: 'signalwire-list-conferences',
    field,
    values: ['2024-05-31', ' 2024-05-31 ', '2024-02-29', '2023-02-29', '2024-13-01', '2024-5-31', '31.05.2024', '2024-05-31T00:00:00Z', 'today', ''],
    node_: {},
    run: (v: string) => checked(checkDate(field, v), v),
  })),
  { node: 'signalwire-list-conferences', field: 'status', values: ['init', 'in-progress', 'completed', 'running', 'Completed', ''], node_: {}, run: (v) => checked(checkConferenceStatus(v), v) },
  { node: 'signalwire-list-conferences', field: 'friendlyName', values: ['standup', 'a b & c', 'n'.repeat(64), 'n'.repeat(65), 'tab\there', ''], node_: {}, run: (v) => checked(checkFriendlyName(v), v) },
  ...(['holdUrl', 'announceUrl'] as const).map((field) => ({
    node: 'signalwire-update-participant',
    field,
    values: CALL_URLS,
    node_: {},
    run: (v: string) => participantWrite('mute', field === 'holdUrl' ? v : '', field === 'announceUrl' ? v : '', {}),
  })),
  { node: 'signalwire-update-conference', field: 'announceUrl', values: CALL_URLS, node_: {}, run: (v) => conferenceWrite('end', v, {}) },
  ...(['reconcile', 'throttle'] as const).map((field) => ({ node: 'signalwire-conference-roster', field, values: [...NUMBERS, '86400', '86401', '60000', '60001'], node_: {}, run: (v: string) => rosterSettings({ [field]: v }) })),
  {
    node: 'signalwire-conference-roster',
    field: 'timeZone',
    values: ['Europe/Berlin', ' America/New_York ', 'UTC', 'Etc/GMT+5', 'Mars/Olympus', 'Europe/../Berlin', 'EST5EDT', 'europe/berlin', 'Berlin', `${'A'.repeat(65)}`, '+01:00', ''],
    node_: {},
    run: (v) => rosterSettings({ timeZone: v }),
  },
  // list recordings: the paging fields of the other list nodes, and the DateCreated filters.
  ...pagingRows('signalwire-list-recordings', 'pages', 'pages'),
  ...(Object.keys(RECORDING_DATE_FILTERS) as RecordingDateField[]).map((field) => ({
    node: 'signalwire-list-recordings',
    field,
    values: ['2024-05-31', ' 2024-05-31 ', '2024-02-29', '2023-02-29', '2024-13-01', '2024-5-31', 'today', ''],
    node_: {},
    run: (v: string) => dateFilters({}, { [field]: v }, RECORDING_DATE_FILTERS, 'bad-input'),
  })),
  { node: 'signalwire-update-recording', field: 'pauseBehavior', values: ['skip', 'silence', ' skip ', 'Skip', 'SILENCE', 'pause', 'mute', ''], node_: {}, run: (v) => recordingWrite('pause', v, {}) },
  { node: 'signalwire-conference-events', field: 'events', values: ['participant-join', 'conference-end', 'recording-in-progress', 'recording-completed', 'recording-absent', 'recording', 'recording-processing', 'completed', 'Recording-completed', ''], node_: {}, run: (v) => eventsSettings({ events: v }) },
];

/** A rule's verdict as the node gives it: a problem becomes the runtime's error. */
function checked(result: { value: unknown } | { problem: Problem }, value: unknown): void {
  if ('problem' in result) throw problemError('bad-input', result.problem, value);
}

describe('one set of rules for the editor and the runtime', () => {
  const definitions = loadEditor();

  it('loads every node definition through the shared editor scripts', () => {
    assert.deepEqual([...definitions.keys()].sort(), [
      'signalwire-conference-events',
      'signalwire-conference-roster',
      'signalwire-get-conference',
      'signalwire-get-participant',
      'signalwire-list-conferences',
      'signalwire-list-participants',
      'signalwire-list-recordings',
      'signalwire-space',
      'signalwire-update-conference',
      'signalwire-update-participant',
      'signalwire-update-recording',
    ]);
  });

  for (const { node, field, values, node_, run } of TABLE) {
    it(`${node} ${field}: the dialog and the runtime agree on ${values.length} values, in the same words`, () => {
      const validate = definitions.get(node)!.defaults[field].validate!;
      let refused = 0;
      for (const v of values) {
        const editor = validate.call(node_, v, {});
        const expected = runtime(() => run(v));
        // A blank space is the one value they may treat apart: the dialog leaves it to SIGNALWIRE_SPACE.
        if (field === 'space' && v === '') continue;
        assert.deepEqual(editor, expected, `${field} = ${JSON.stringify(v)}`);
        if (editor !== true) refused++;
      }
      // Agreeing is not enough: each row holds values both take and values both refuse.
      assert.ok(refused > 0 && refused < values.length, `${refused} of ${values.length} refused`);
    });
  }

  it('refuses a SignalWire web page as the space in the dialog and at runtime, with one sentence that says what to type', () => {
    const validate = definitions.get('signalwire-space')!.defaults.space.validate!;
    const says = (space: string, path: string) => `SignalWire space "${space}": ${path} is not an address of SignalWire's API; type just example.signalwire.com`;
    for (const [space, path] of [
      ['example.signalwire.com/dashboard', '/dashboard'],
      ['https://example.signalwire.com/dashboard/', '/dashboard/'],
      ['https://example.signalwire.com/api/laml/2010-04-01/Accounts/p-1', '/api/laml/2010-04-01/Accounts/p-1'],
    ]) {
      assert.equal(validate.call({}, space, {}), says(space, path), `dialog: ${space}`);
      assert.equal(runtime(() => resolveSpaceSettings({ space }, creds, {})), says(space, path), `runtime: ${space}`);
    }
    // The API roots of a SignalWire host, and any path on a Twilio-compatible host, are taken.
    for (const space of ['https://example.signalwire.com/api/laml/2010-04-01/', 'https://example.signalwire.com/2010-04-01', 'https://laml.example.org/dashboard']) {
      assert.equal(validate.call({}, space, {}), true, `dialog: ${space}`);
      assert.equal(runtime(() => resolveSpaceSettings({ space }, creds, {})), true, `runtime: ${space}`);
    }
  });

  it('leaves fields alone in the modes that do not use them, as the runtime does', () => {
    const defaults = definitions.get('signalwire-list-participants')!.defaults;
    assert.equal(defaults.pageSize.validate!.call({ mode: 'all' }, 'x', {}), true);
    assert.equal(defaults.page.validate!.call({ mode: 'pages' }, 'x', {}), true);
    assert.equal(defaults.maxPages.validate!.call({ mode: 'page' }, 'x', {}), true);
    assert.equal(listSettings({ mode: 'page', maxPages: 'x' }).problem, undefined);
  });
});
