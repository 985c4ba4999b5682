// The moderator console (example 06) in a real browser: imported through Import > Examples and
// deployed in the editor, fed by a ConferenceSimulator's signed callbacks; the moderator clicks
// "mute" and "remove" in the Dashboard 2.0 table and sees the table change, and reads what a
// second click on "remove" says.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { ConferenceSimulator } from '../../simulator';
import { type Harness, deploy, exampleFiles, importExample, openEditor, saveFailureScreenshot, screenshotPath, startHarness, waitFor } from './lib';

const SIGNING_KEY = 'PSK_browser_test_signing_key';

/** The example whose table has buttons: its callback path and dashboard page. */
function moderatorExample() {
  for (const ex of exampleFiles()) {
    const events = ex.flows.find((n) => n.type === 'signalwire-conference-events');
    const table = ex.flows.find((n) => n.type === 'ui-table' && (n.columns as Array<{ type: string }>).some((c) => c.type === 'button'));
    if (!events || !table) continue;
    const group = ex.flows.find((n) => n.id === table.group);
    const uiPage = ex.flows.find((n) => n.id === group?.page);
    const base = ex.flows.find((n) => n.id === uiPage?.ui);
    return { ...ex, callbackPath: String(events.url), dashboardPath: `${String(base?.path ?? '/dashboard').replace(/\/$/, '')}${String(uiPage?.path ?? '')}` };
  }
  return undefined;
}

describe('moderator console example (Dashboard 2.0 in chromium)', function () {
  this.timeout(120_000);
  const ex = moderatorExample();
  let h: Harness;
  let dash: Page;
  let sim: ConferenceSimulator | undefined;

  before(async function () {
    if (!ex) this.skip();
    h = await startHarness({ participants: 0, env: { SIGNALWIRE_SIGNING_KEY: SIGNING_KEY } });
    await openEditor(h.page, h.nodeRed.url);
    await importExample(h.page, ex!.name);
    await deploy(h.page);
    sim = new ConferenceSimulator({ space: h.space, callbackUrl: h.nodeRed.url + ex!.callbackPath, signingKey: SIGNING_KEY, intervalMs: 3_600_000, maxParticipants: 3, random: () => 0 });
    await sim.start();
    dash = await h.context.newPage();
    dash.setDefaultTimeout(15_000);
    await dash.goto(h.nodeRed.url + ex!.dashboardPath);
  });

  afterEach(async function () {
    await saveFailureScreenshot(this, dash ?? h?.page);
  });

  after(async function () {
    sim?.stop();
    await h?.stop();
  });

  const rowOf = async (sid: string) => (await dash.locator('table tbody tr').allInnerTexts()).find((r) => r.includes(sid)) ?? '';

  it('shows the conference with a mute, hold and remove button per participant', async function () {
    const sids = h.space.participants(sim!.conferenceSid).map((p) => p.call_sid);
    assert.equal(sids.length, 3);
    await waitFor('every participant in the table', async () => (await Promise.all(sids.map(rowOf))).every((r) => r !== ''), 20_000);
    const row = dash.locator('table tbody tr', { hasText: sids[0] });
    for (const label of ['mute', 'hold', 'remove']) assert.equal(await row.getByRole('button', { name: label, exact: true }).count(), 1, `a ${label} button`);
  });

  it('the moderator clicks mute: the participant is muted and the row says so', async function () {
    const sid = h.space.participants(sim!.conferenceSid)[0].call_sid;
    await dash.locator('table tbody tr', { hasText: sid }).getByRole('button', { name: 'mute', exact: true }).click();
    await waitFor('the space to mute the participant', () => h.space.participant(sim!.conferenceSid, sid)?.muted === true, 10_000);
    await waitFor('the row to say "muted" and offer "unmute"', async () => {
      const row = await rowOf(sid);
      return row.includes('muted') && row.includes('unmute');
    }, 15_000);
    await dash.screenshot({ path: screenshotPath('moderator.png') });
  });

  it('the moderator clicks remove: the participant leaves and the row goes', async function () {
    const sid = h.space.participants(sim!.conferenceSid)[1].call_sid;
    await dash.locator('table tbody tr', { hasText: sid }).getByRole('button', { name: 'remove', exact: true }).click();
    await waitFor('the space to remove the participant', () => h.space.participant(sim!.conferenceSid, sid) === undefined, 10_000);
    await waitFor('the row to go', async () => (await rowOf(sid)) === '', 15_000);
    assert.equal(await dash.locator('table tbody tr').count(), 2);
  });

  it('the moderator clicks remove twice: one removes, the other says the participant had already left', async function () {
    const sid = h.space.participants(sim!.conferenceSid)[0].call_sid;
    const deletes = () => h.space.requests.filter((r) => r.method === 'DELETE' && r.path.endsWith(sid)).length;
    await dash.locator('table tbody tr', { hasText: sid }).getByRole('button', { name: 'remove', exact: true }).click({ clickCount: 2 });
    await waitFor('both removes to reach the space', () => deletes() === 2, 10_000);
    const said = await waitFor('the console to say the participant had already left', async () => {
      const text = await dash.locator('body').innerText();
      return /remove failed for \S+: SignalWire 404: the participant had already left the conference \(or was never in it\)/.exec(text)?.[0];
    }, 10_000);
    assert.doesNotMatch(said, /\/Accounts\/|more characters/, 'no API path, no cut');
    await waitFor('the row to go', async () => (await rowOf(sid)) === '', 15_000);
  });
});
