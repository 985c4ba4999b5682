// The recording nodes and the coaching fields in the editor (chromium): list recordings and update
// recording from the palette, their dialogs (fields, defaults, validation by the shared rules) and
// help in English and German; update participant's coach/uncoach and its "call to coach" field,
// back-filled for a flow saved before it existed; the events node's recording topics.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  dragFromPalette,
  filterPalette,
  type Harness,
  hasInputError,
  MODULE,
  nodeById,
  nodeIds,
  openSidebarTab,
  paletteEntry,
  typeInto,
  useEditor,
  waitFor,
  withGermanEditor,
} from './lib';

declare const RED: any; // the editor's global, inside page.evaluate

const LIST = 'signalwire-list-recordings';
const UPDATE = 'signalwire-update-recording';

/** Opens node `id`'s dialog by API (the tray of a step before may still be closing). */
async function edit(page: Page, id: string): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('#node-dialog-ok'));
  await page.evaluate((i) => RED.editor.edit(RED.nodes.node(i)), id);
  await page.locator('#node-dialog-ok').waitFor({ state: 'visible' });
}

async function cancel(page: Page): Promise<void> {
  await page.locator('#node-dialog-cancel').click();
  await page.waitForFunction(() => !document.querySelector('#node-dialog-ok'));
}

/** The help sidebar's text for node `id`, once its title is `title`, and its h3 headings. */
async function helpOf(page: Page, id: string, title: string): Promise<{ text: string; headings: string[] }> {
  await openSidebarTab(page, 'help');
  await page.mouse.click(700, 650);
  await nodeById(page, id).locator('rect.red-ui-flow-node').click();
  const help = page.locator('.red-ui-sidebar-help-stack .red-ui-help').first();
  await waitFor(`the help of ${title}`, async () => ((await help.locator('h1').first().innerText().catch(() => '')) || '').trim() === title, 10_000);
  return { text: await help.innerText(), headings: (await help.locator('h3:visible').allInnerTexts()).map((s) => s.trim()) };
}

describe('recordings and coaching in the editor (chromium)', function () {
  this.timeout(120_000);
  let h: Harness;
  let page: Page;
  const ids: Record<string, string> = {};

  useEditor({ participants: 0 }, (started) => {
    h = started;
    page = started.page;
  });

  it('list recordings and update recording drag from the palette, each with its icon, label and one input and output', async function () {
    for (const [type, label, x, y] of [[LIST, 'list recordings', 240, 140], [UPDATE, 'update recording', 240, 240]] as const) {
      await filterPalette(page, type);
      assert.match((await paletteEntry(page, type).innerText()).replace(/\s+/g, ' ').trim(), new RegExp(label));
      await dragFromPalette(page, type, x, y);
      [ids[type]] = await waitFor(`the ${type} node on the workspace`, () => nodeIds(page, type).then((a) => (a.length === 1 ? a : null)));
      const node = nodeById(page, ids[type]);
      await node.waitFor({ state: 'visible' });
      assert.equal((await node.locator('.red-ui-flow-node-label').textContent())?.trim(), label);
      assert.equal(await node.locator('.red-ui-flow-port-input').count(), 1);
      assert.equal(await node.locator('.red-ui-flow-port-output').count(), 1);
      const icon = `icons/${MODULE}/${type}.svg`;
      assert.match((await paletteEntry(page, type).locator('.red-ui-palette-icon').getAttribute('style')) ?? '', new RegExp(`url\\("?${icon}"?\\)`));
      const served = await page.evaluate(async (u) => {
        const res = await fetch(u);
        return { status: res.status, text: await res.text() };
      }, icon);
      assert.equal(served.status, 200, `${icon} is served`);
      assert.match(served.text, /^<svg [^>]*viewBox="0, 0, 40, 60"/);
    }
    await filterPalette(page, 'signalwire');
  });

  it('update recording: its dialog has every property with the defaults; the label names a fixed action', async function () {
    await edit(page, ids[UPDATE]);
    for (const field of ['space', 'conferenceSid', 'recordingSid', 'action', 'pauseBehavior', 'name']) {
      assert.equal(await page.locator(`#node-input-${field}`).count(), 1, `field ${field}`);
    }
    assert.equal(await page.locator('#node-input-action').inputValue(), 'msg');
    assert.deepEqual(await page.locator('#node-input-action option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)), ['msg', 'pause', 'resume', 'stop', 'delete']);
    assert.equal(await page.locator('#node-input-pauseBehavior').inputValue(), 'silence', 'the API\'s default');
    assert.equal(await page.locator('#node-input-recordingSidType').inputValue(), 'msg');
    assert.equal(await page.locator('#node-input-recordingSid').inputValue(), 'recordingSid');
    assert.match(await page.locator('.red-ui-tray').last().innerText(), /current recording/);
    await page.locator('#node-input-action').selectOption('pause');
    await page.locator('#node-input-pauseBehavior').selectOption('skip');
    await page.locator('#node-dialog-ok').click();
    await page.waitForFunction(() => !document.querySelector('#node-dialog-ok'));
    await waitFor('the label of a fixed action', async () => (await nodeById(page, ids[UPDATE]).locator('.red-ui-flow-node-label').textContent())?.trim() === 'pause recording', 5000);
    assert.deepEqual(await page.evaluate((i) => ({ action: RED.nodes.node(i).action, pauseBehavior: RED.nodes.node(i).pauseBehavior }), ids[UPDATE]), { action: 'pause', pauseBehavior: 'skip' });
    // The runtime's rules, in the runtime's words: a hand-edited value is refused.
    const check = await page.evaluate(() => {
      const d = RED.nodes.getType('signalwire-update-recording').defaults;
      return [d.pauseBehavior.validate.call({}, 'skip', {}), d.pauseBehavior.validate.call({}, 'quiet', {}), d.action.validate.call({}, 'start', {})].map((r: unknown) => (r === true ? true : String(r)));
    });
    assert.deepEqual(check, [true, 'Pause behaviour must be one of skip, silence, got "quiet"', 'Action: choose one of the list']);
  });

  it('list recordings: the date filters are checked by the runtime\'s rule as one types, the paging rows follow the mode', async function () {
    await edit(page, ids[LIST]);
    for (const field of ['space', 'conferenceSid', 'dateCreated', 'dateCreatedBefore', 'dateCreatedAfter', 'mode', 'maxPages', 'maxItems']) {
      assert.equal(await page.locator(`#node-input-${field}`).count(), 1, `field ${field}`);
    }
    const dialog = await page.locator('.red-ui-tray').last().innerText();
    for (const label of ['Created on', 'Created before', 'Created after']) assert.match(dialog, new RegExp(label), `the runtime's name "${label}"`);
    const after = page.locator('#node-input-dateCreatedAfter');
    await typeInto(after, '2024-02-30');
    await waitFor('a day that does not exist marked invalid', () => hasInputError(after), 5000);
    await typeInto(after, '2024-02-29');
    await waitFor('a real day valid again', async () => !(await hasInputError(after)), 5000);
    await page.locator('#node-input-mode').selectOption('page');
    await page.locator('#node-input-pageSize').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#node-input-maxPages').isVisible(), false);
    await page.locator('#node-input-mode').selectOption('all');
    assert.equal(await page.locator('#node-input-pageSize').isVisible(), false);
    await cancel(page);
    // list conferences labels its filters through the same editor helper
    const conferencesId = 'labels-list-conferences';
    await page.evaluate((id) => {
      RED.nodes.import([{ id, type: 'signalwire-list-conferences', z: RED.workspaces.active(), x: 600, y: 560, wires: [[]] }], { generateIds: false });
    }, conferencesId);
    try {
      await edit(page, conferencesId);
      const labels = await page.locator('.signalwire-field-label').allInnerTexts();
      assert.deepEqual(labels, ['Friendly name', 'Status', 'Created on', 'Created before', 'Created after', 'Updated on', 'Updated before', 'Updated after']);
      await cancel(page);
    } finally {
      await page.evaluate((id) => RED.nodes.remove(id), conferencesId);
    }
  });

  it('update participant: coach and uncoach in the list; "Call to coach" shows for coach and msg.action only; an older flow gets msg.callSidToCoach', async function () {
    const oldId = 'old-update-participant';
    await page.evaluate((id) => {
      // As saved before coaching existed: no callSidToCoach / callSidToCoachType.
      RED.nodes.import([{ id, type: 'signalwire-update-participant', z: RED.workspaces.active(), x: 600, y: 400, conferenceSid: 'conferenceSid', conferenceSidType: 'msg', callSid: 'callSid', callSidType: 'msg', action: 'mute', holdUrl: '', announceUrl: '', wires: [[]] }], { generateIds: false });
      RED.view.redraw(true);
    }, oldId);
    try {
      await edit(page, oldId);
      const options = await page.locator('#node-input-action option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
      assert.deepEqual(options, ['msg', 'mute', 'unmute', 'hold', 'unhold', 'coach', 'uncoach', 'remove']);
      assert.equal(await page.locator('#node-input-callSidToCoach').inputValue(), 'callSidToCoach', 'back-filled default');
      assert.equal(await page.locator('#node-input-callSidToCoachType').inputValue(), 'msg');
      const row = page.locator('.node-row-signalwire-callSidToCoach');
      assert.equal(await row.isVisible(), false, 'not for mute');
      await page.locator('#node-input-action').selectOption('coach');
      await row.waitFor({ state: 'visible' });
      await page.locator('#node-input-action').selectOption('uncoach');
      await row.waitFor({ state: 'hidden' });
      await page.locator('#node-input-action').selectOption('msg');
      await row.waitFor({ state: 'visible' });
      await page.locator('#node-input-action').selectOption('coach');
      await page.locator('#node-dialog-ok').click();
      await page.waitForFunction(() => !document.querySelector('#node-dialog-ok'));
      assert.deepEqual(
        await page.evaluate((id) => ({ action: RED.nodes.node(id).action, v: RED.nodes.node(id).callSidToCoach, t: RED.nodes.node(id).callSidToCoachType }), oldId),
        { action: 'coach', v: 'callSidToCoach', t: 'msg' },
        'saving the dialog stores the defaults',
      );
    } finally {
      await page.evaluate((id) => {
        RED.nodes.remove(id);
        RED.view.redraw(true);
      }, oldId);
    }
  });

  it('conference events: the event list offers the recording topics too', async function () {
    await filterPalette(page, 'signalwire-conference-events');
    await dragFromPalette(page, 'signalwire-conference-events', 240, 340);
    const [eventsId] = await waitFor('the events node', () => nodeIds(page, 'signalwire-conference-events').then((a) => (a.length === 1 ? a : null)));
    ids.events = eventsId;
    await filterPalette(page, 'signalwire');
    await edit(page, eventsId);
    const offered = await page.locator('.node-signalwire-event').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    for (const topic of ['participant-join', 'recording-in-progress', 'recording-paused', 'recording-completed', 'recording-absent']) assert.ok(offered.includes(topic), `${topic} offered`);
    await page.locator('#node-signalwire-event-recording-completed').check();
    await page.locator('#node-dialog-ok').click();
    await page.waitForFunction(() => !document.querySelector('#node-dialog-ok'));
    assert.deepEqual(await page.evaluate((i) => RED.nodes.node(i).events, eventsId), ['recording-completed']);
  });

  it('help: both nodes with Inputs / Outputs / Errors / Details; update participant and the events node tell of coaching and recordings', async function () {
    const list = await helpOf(page, ids[LIST], 'list recordings');
    const update = await helpOf(page, ids[UPDATE], 'update recording');
    for (const { text, headings } of [list, update]) {
      for (const heading of ['Inputs', 'Outputs', 'Errors', 'Details']) assert.ok(headings.includes(heading), `"${heading}" in ${headings.join(', ')}`);
      assert.doesNotMatch(text, /signalwire-[a-z-]+\.(label|tip|errors)\./, 'no untranslated message keys');
      assert.ok(text.length > 800, 'more than a stub');
    }
    assert.match(list.text, /DateCreated&lt;|DateCreated</);
    for (const words of [/PauseBehavior/, /current recording/, /404/, /Status=paused/, /Status=in-progress/, /Status=stopped/]) assert.match(update.text, words);

    const events = await helpOf(page, ids.events, 'conference events');
    for (const words of [/recording-completed/, /RecordingStatus/, /output 2 does not send it/]) assert.match(events.text, words);
    const participantId = 'help-update-participant';
    await page.evaluate((id) => {
      RED.nodes.import([{ id, type: 'signalwire-update-participant', z: RED.workspaces.active(), x: 600, y: 480, wires: [[]] }], { generateIds: false });
      RED.view.redraw(true);
    }, participantId);
    try {
      const participant = await helpOf(page, participantId, 'update participant');
      for (const words of [/callSidToCoach/, /Coaching=true/, /Coaching=false/, /uncoach/]) assert.match(participant.text, words);
    } finally {
      await page.evaluate((id) => {
        RED.nodes.remove(id);
        RED.view.redraw(true);
      }, participantId);
    }
  });

  it('German browser: the new dialogs and help come from locales/de, with no raw message keys', async function () {
    await withGermanEditor(h.nodeRed.url, async (p, errors) => {
      assert.match(await paletteEntry(p, UPDATE).innerText(), /Aufnahme\s+ändern/);
      assert.match(await paletteEntry(p, LIST).innerText(), /Aufnahmen\s+auflisten/);
      // This session has its own workspace: the nodes are put there as a flow file would.
      const placed = { list: 'de-list-recordings', update: 'de-update-recording' };
      await p.evaluate((i) => {
        const z = RED.workspaces.active();
        RED.nodes.import(
          [
            { id: i.list, type: 'signalwire-list-recordings', z, x: 240, y: 140, wires: [[]] },
            { id: i.update, type: 'signalwire-update-recording', z, x: 240, y: 240, wires: [[]] },
          ],
          { generateIds: false },
        );
        RED.view.redraw(true);
      }, placed);
      await edit(p, placed.update);
      const dialog = await p.locator('.red-ui-tray').last().innerText();
      for (const words of [/Aufnahme-SID/, /Während Pause/, /laufende/]) assert.match(dialog, words);
      assert.doesNotMatch(dialog, /signalwire-[a-z-]+\.[a-z]+\./, 'no raw message keys in the dialog');
      await cancel(p);
      for (const [id, title] of [[placed.list, 'Aufnahmen auflisten'], [placed.update, 'Aufnahme ändern']]) {
        const { text, headings } = await helpOf(p, id, title);
        for (const heading of ['Eingangsdaten', 'Ausgangsdaten', 'Fehler', 'Details']) assert.ok(headings.includes(heading), `German help has "${heading}" (got ${headings.join(', ')})`);
        assert.doesNotMatch(text, /signalwire-[a-z-]+\.(label|tip|errors)\./);
      }
      assert.deepEqual(errors, []);
    });
  });

  it('the editor page logged no JavaScript errors', function () {
    assert.deepEqual(h.pageErrors, []);
  });
});
