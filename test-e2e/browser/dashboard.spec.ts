// The live dashboard example in a real browser: imported through Import > Examples and deployed
// in the editor, fed by a ConferenceSimulator POSTing signed conference status callbacks to its
// conference events node; the Dashboard 2.0 page must show the simulator's participants by
// their numbers and follow joins, mutes and leaves.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { ConferenceSimulator } from '../../simulator';
import { type Harness, deploy, deployedFlows, exampleFiles, importExample, openEditor, saveFailureScreenshot, screenshotPath, startHarness, waitFor } from './lib';

const SIGNING_KEY = 'PSK_browser_test_signing_key';

/** The example with a conference events node feeding a `ui-table`: its callback path and dashboard page. */
function callbackExample() {
  for (const ex of exampleFiles()) {
    const events = ex.flows.find((n) => n.type === 'signalwire-conference-events');
    const table = ex.flows.find((n) => n.type === 'ui-table');
    if (!events || !table) continue;
    const group = ex.flows.find((n) => n.id === table.group);
    const uiPage = ex.flows.find((n) => n.id === group?.page);
    const base = ex.flows.find((n) => n.id === uiPage?.ui);
    const dashboardPath = `${String(base?.path ?? '/dashboard').replace(/\/$/, '')}${String(uiPage?.path ?? '')}`;
    return { ...ex, callbackPath: String(events.url), dashboardPath };
  }
  return undefined;
}

describe('dashboard example (Dashboard 2.0 in chromium, fed by the conference simulator)', function () {
  this.timeout(120_000);
  const ex = callbackExample();
  let h: Harness;
  let page: Page;
  let dash: Page;
  let sim: ConferenceSimulator | undefined;
  let envCallSids: string[] = [];
  // The simulator's next random numbers: 0 picks "join", 0.3 picks "leave" of the first participant.
  let nextRandom = 0;

  before(async function () {
    if (!ex) this.skip();
    h = await startHarness({ participants: 2, env: { SIGNALWIRE_SIGNING_KEY: SIGNING_KEY } });
    page = h.page;
    envCallSids = h.space.participants(h.conferenceSid).map((p) => p.call_sid);
    await openEditor(page, h.nodeRed.url);
  });

  afterEach(async function () {
    await saveFailureScreenshot(this, dash ?? page);
  });

  after(async function () {
    sim?.stop();
    await h?.stop();
  });

  it(`imports and deploys the callback example from Import > Examples`, async function () {
    await importExample(page, ex!.name);
    await deploy(page);
    const flows = await deployedFlows(h.nodeRed);
    assert.ok(flows.some((n) => n.type === 'ui-table'), 'ui-table deployed');
    assert.ok(flows.some((n) => n.type === 'signalwire-conference-events' && n.url === ex!.callbackPath), `events node on ${ex!.callbackPath} deployed`);
  });

  it(`the dashboard page shows the participants of SIGNALWIRE_CONFERENCE_SID (the periodic sweep)`, async function () {
    dash = await h.context.newPage();
    dash.setDefaultTimeout(15_000);
    await dash.goto(h.nodeRed.url + ex!.dashboardPath);
    await waitFor('the sweep to fill the table', () => allIn(envCallSids), 20_000);
  });

  it('a callback with a wrong X-SignalWire-Signature is refused with 403', async function () {
    const res = await fetch(h.nodeRed.url + ex!.callbackPath, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-SignalWire-Signature': 'bm90IHRoZSBzaWduYXR1cmU=' },
      body: new URLSearchParams({ ConferenceSid: 'CFforged', StatusCallbackEvent: 'participant-join' }).toString(),
    });
    assert.equal(res.status, 403);
  });

  it("after the simulator's signed callbacks the table shows its conference's participants", async function () {
    sim = new ConferenceSimulator({
      space: h.space,
      callbackUrl: h.nodeRed.url + ex!.callbackPath,
      signingKey: SIGNING_KEY,
      intervalMs: 3_600_000, // events only when step() is called
      random: () => nextRandom,
    });
    await sim.start();
    assert.equal(sim.callbackFailures, 0, `callbacks answered: ${String(sim.lastCallbackError)}`);
    const simSids = h.space.participants(sim.conferenceSid).map((p) => p.call_sid);
    assert.equal(simSids.length, 3);
    await waitFor("the simulator's participants in the table", async () => (await allIn(simSids)) && (await noneIn(envCallSids)), 20_000);
    // people by their numbers (call details), not only by call SIDs
    const numbers = simSids.map((sid) => h.space.call(sid)!.from);
    assert.ok(await allIn(numbers), `numbers ${numbers.join(', ')} in the table`);
  });

  it('a participant joins, is muted and leaves: the table follows, showing numbers and "muted" in words', async function () {
    nextRandom = 0; // join
    const joined = await sim!.step();
    assert.equal(joined.event, 'participant-join');
    assert.equal(joined.delivered, true);
    const sids = h.space.participants(sim!.conferenceSid).map((p) => p.call_sid);
    assert.equal(sids.length, 4);
    await waitFor('the new participant in the table', () => allIn(sids), 20_000);
    assert.equal(await dash.locator('table tbody tr').count(), 4);
    const joinedNumber = h.space.call(joined.callSid!)!.from;
    await waitFor('the new participant by number', () => allIn([joinedNumber]), 20_000);

    nextRandom = 0.5; // mute (or unmute) a participant: the row says so in words
    const muted = await sim!.step();
    assert.equal(muted.event, 'participant-mute');
    assert.equal(muted.delivered, true);
    await waitFor('the muted row to say "muted"', async () => (await rowOf(muted.callSid!)).includes('muted'), 20_000);
    await dash.screenshot({ path: screenshotPath('dashboard.png') });

    nextRandom = 0.3; // leave, the first participant
    const left = await sim!.step();
    assert.equal(left.event, 'participant-leave');
    assert.equal(left.delivered, true);
    await waitFor('the row of the participant who left to go', async () => (await noneIn([left.callSid!])) && (await dash.locator('table tbody tr').count()) === 3, 20_000);
    assert.ok(await allIn(h.space.participants(sim!.conferenceSid).map((p) => p.call_sid)));
    assert.equal(sim!.callbackFailures, 0);
  });

  async function tableText(): Promise<string> {
    return (await dash.locator('table tbody').allInnerTexts()).join('\n');
  }
  async function rowOf(sid: string): Promise<string> {
    const rows = await dash.locator('table tbody tr').allInnerTexts();
    return rows.find((r) => r.includes(sid)) ?? '';
  }
  async function allIn(sids: string[]): Promise<boolean> {
    const t = await tableText();
    return sids.every((s) => t.includes(s));
  }
  async function noneIn(sids: string[]): Promise<boolean> {
    const t = await tableText();
    return sids.every((s) => !t.includes(s));
  }
});
