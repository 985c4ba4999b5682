// The live dashboard example (03: events -> roster -> one conference -> table) in a real browser:
// imported through Import > Examples and deployed in the editor, fed by a ConferenceSimulator
// POSTing signed conference status callbacks to its conference events node. The simulator is
// driven step by step (act()): the Dashboard 2.0 page must follow a join, a mute, speech and a
// leave of demo-conference by the callers' numbers and the state in words, and never show the
// other conference.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { ConferenceSimulator, seeded } from '../../simulator';
import { type Harness, deploy, deployedFlows, exampleFiles, importExample, openEditor, saveFailureScreenshot, screenshotPath, startHarness, waitFor } from './lib';

const SIGNING_KEY = 'PSK_browser_test_signing_key';

/** The example whose events node feeds a roster and a table with no buttons: its callback path and dashboard page. */
function dashboardExample() {
  for (const ex of exampleFiles()) {
    const events = ex.flows.find((n) => n.type === 'signalwire-conference-events');
    const table = ex.flows.find((n) => n.type === 'ui-table' && !(n.columns as Array<{ type: string }>).some((c) => c.type === 'button'));
    if (!events || !table || !ex.flows.some((n) => n.type === 'signalwire-conference-roster')) continue;
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
  const ex = dashboardExample();
  let h: Harness;
  let page: Page;
  let dash: Page;
  let sim: ConferenceSimulator;
  let demo: string;
  let other: string;

  before(async function () {
    if (!ex) this.skip();
    h = await startHarness({ participants: 0, env: { SIGNALWIRE_SIGNING_KEY: SIGNING_KEY } });
    page = h.page;
    await openEditor(page, h.nodeRed.url);
  });

  afterEach(async function () {
    await saveFailureScreenshot(this, dash ?? page);
  });

  after(async function () {
    sim?.stop();
    await h?.stop();
  });

  const number = (callSid: string): string => h.space.call(callSid)!.from;
  const numbersIn = (conf: string): string[] => h.space.participants(conf).map((p) => number(p.call_sid));

  it('imports and deploys the dashboard example from Import > Examples', async function () {
    await importExample(page, ex!.name);
    await deploy(page);
    const flows = await deployedFlows(h.nodeRed);
    assert.ok(flows.some((n) => n.type === 'ui-table'), 'ui-table deployed');
    assert.ok(flows.some((n) => n.type === 'signalwire-conference-roster'), 'roster deployed');
    assert.ok(flows.some((n) => n.type === 'signalwire-conference-events' && n.url === ex!.callbackPath), `events node on ${ex!.callbackPath} deployed`);
  });

  it('a callback with a wrong X-SignalWire-Signature is refused with 403', async function () {
    const res = await fetch(h.nodeRed.url + ex!.callbackPath, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-SignalWire-Signature': 'bm90IHRoZSBzaWduYXR1cmU=' },
      body: new URLSearchParams({ ConferenceSid: 'CFforged', StatusCallbackEvent: 'participant-join' }).toString(),
    });
    assert.equal(res.status, 403);
  });

  it("after the simulator's signed callbacks the page shows demo-conference's callers by number, live, joined at a time with its zone; not the other conference", async function () {
    sim = new ConferenceSimulator({
      space: h.space,
      callbackUrl: h.nodeRed.url + ex!.callbackPath,
      signingKey: SIGNING_KEY,
      friendlyNames: ['demo-conference', 'other-room'],
      intervalMs: 3_600_000, // changes only through act()
      random: seeded(7),
    });
    await sim.start();
    assert.equal(sim.callbackFailures, 0, `callbacks answered: ${String(sim.lastCallbackError)}`);
    [demo, other] = sim.conferences.map((c) => c.sid);
    assert.equal(new Set([...numbersIn(demo), ...numbersIn(other)]).size, 6, 'six different numbers (the seed)');
    dash = await h.context.newPage();
    dash.setDefaultTimeout(15_000);
    await dash.setViewportSize({ width: 1100, height: 440 }); // the README's screenshot
    await dash.goto(h.nodeRed.url + ex!.dashboardPath);
    await waitFor("demo-conference's callers in the table", async () => sameRows(numbersIn(demo)), 20_000);
    for (const n of numbersIn(demo)) assert.match(await rowOf(n), new RegExp(`^\\${n}\\s+live\\s+\\d{1,2}:\\d{2}\\s?[AP]M \\S+$`));
    assert.deepEqual(await headers(), ['Caller', 'State', 'Joined']);
    assert.ok(await noneIn(numbersIn(other)), 'other-room is not shown');
  });

  it('a caller joins, one is muted, one speaks, one leaves: the table follows each, in words', async function () {
    const joined = await sim.act({ kind: 'join', friendlyName: 'demo-conference' });
    assert.equal(joined.delivered, true);
    await waitFor('the new caller in the table', async () => sameRows(numbersIn(demo)), 20_000);
    assert.match(await rowOf(number(joined.callSid!)), /\blive\b/);

    const [first, second] = h.space.participants(demo).map((p) => p.call_sid);
    assert.equal((await sim.act({ kind: 'mute', callSid: first })).delivered, true);
    await waitFor('the muted row to say "muted"', async () => /\bmuted\b/.test(await rowOf(number(first))), 20_000);
    assert.equal((await sim.act({ kind: 'speech-start', callSid: second })).delivered, true);
    await waitFor('the speaker\'s row to say "speaking"', async () => /\bspeaking\b/.test(await rowOf(number(second))), 20_000);
    await dash.screenshot({ path: screenshotPath('dashboard.png') });

    const left = await sim.act({ kind: 'leave', callSid: joined.callSid! });
    assert.equal(left.delivered, true);
    await waitFor('the row of the caller who left to go', async () => (await noneIn([number(joined.callSid!)])) && (await sameRows(numbersIn(demo))), 20_000);
    assert.ok(await noneIn(numbersIn(other)), 'other-room is still not shown');
    assert.equal(sim.callbackFailures, 0);
  });

  async function headers(): Promise<string[]> {
    return (await dash.locator('table thead th').allInnerTexts()).map((t) => t.trim());
  }
  async function rows(): Promise<string[]> {
    return (await dash.locator('table tbody tr').allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
  }
  async function rowOf(number: string): Promise<string> {
    return (await rows()).find((r) => r.startsWith(number)) ?? '';
  }
  /** The table has exactly one row per number. */
  async function sameRows(numbers: string[]): Promise<boolean> {
    const r = await rows();
    return r.length === numbers.length && numbers.every((n) => r.some((x) => x.startsWith(n)));
  }
  async function noneIn(numbers: string[]): Promise<boolean> {
    const r = await rows();
    return numbers.every((n) => !r.some((x) => x.includes(n)));
  }
});
