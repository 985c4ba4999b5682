// What a user reads comes from locales/, in the runtime's language, as plain text; and the
// debug log says what the client retried and why, without a credential.
import assert from 'node:assert/strict';
import { useLanguage } from '../support/catalogues';
import { caughtError, credentials, flow, helper, lastStatus, load, outcome, useSpace } from '../support/harness';

const LIST = { type: 'signalwire-list-participants' };

describe('texts a user reads', function () {
  const h = useSpace(1);

  afterEach(async () => {
    await useLanguage('en-US');
  });

  it('reports errors as plain text on msg.error.message, with statusCode and signalwireError beside it', async () => {
    h.space.injectFaults({ kind: 'status', status: 404, body: 'json' });
    const n1 = await load(flow(LIST, h.space, { retries: 0 }), credentials(h.space));
    const err = caughtError();
    n1.receive({ conferenceSid: h.conferenceSid });
    const msg = await err;
    assert.equal(typeof msg.error.message, 'string');
    assert.equal(msg.error.message, 'SignalWire 404: the conference does not exist or has ended');
    assert.equal(msg.statusCode, 404);
    assert.equal(msg.signalwireError.code, 20404);
  });

  it('speaks German when the runtime does: errors and statuses from locales/de', async () => {
    await useLanguage('de');
    const n1 = await load(flow({ ...LIST, mode: 'page' }, h.space), credentials(h.space));
    const err = caughtError();
    n1.receive({ conferenceSid: h.conferenceSid, pageSize: 0 });
    assert.equal((await err).error.message, 'Seitengröße muss eine ganze Zahl von 1 bis 1000 sein, ist aber 0');
    assert.deepEqual(await lastStatus(n1), { fill: 'red', shape: 'ring', text: 'ungültige Eingabe' });
    const got = outcome();
    n1.receive({ conferenceSid: h.conferenceSid });
    await got;
    assert.deepEqual(await lastStatus(n1), { fill: 'green', shape: 'dot', text: 'Seite 0: 1 Teilnehmer' });
  });

  it('logs one debug line per retry: attempt, reason and delay, never a credential', async () => {
    h.space.injectFaults({ kind: 'status', status: 503, body: 'json' }, { kind: 'drop' });
    const n1 = await load(flow(LIST, h.space, { retryBaseMs: 10 }), credentials(h.space));
    const got = outcome();
    n1.receive({ conferenceSid: h.conferenceSid });
    await got;
    const debug = helper.log().args.map((a: Array<{ level: number; msg?: unknown }>) => a[0]).filter((e: { level: number }) => e.level === 50).map((e: { msg?: unknown }) => String(e.msg));
    const retries = debug.filter((line: string) => line.startsWith('SignalWire retry'));
    assert.equal(retries.length, 2, debug.join('\n'));
    assert.match(retries[0], /^SignalWire retry 1 of 3 in \d+ ms after HTTP 503$/);
    assert.match(retries[1], /^SignalWire retry 2 of 3 in \d+ ms after (ECONNRESET|ECONNABORTED|ERR_BAD_RESPONSE|socket hang up)/);
    const all = JSON.stringify(helper.log().args);
    assert.equal(all.includes(h.space.apiToken), false);
    assert.equal(all.includes(Buffer.from(`${h.space.projectId}:${h.space.apiToken}`).toString('base64')), false);
  });
});
