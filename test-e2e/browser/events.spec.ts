// The conference events node in the editor: from the palette onto the workspace, its dialog
// (fields, validation by the shared rules) and its help (Outputs / Details), in headless chromium.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { dragFromPalette, filterPalette, hasInputError, nodeById, nodeIds, openNodeDialog, openSidebarTab, screenshotPath, typeInto, useEditor, waitFor } from './lib';

declare const RED: any; // the editor's global, inside page.evaluate

const TYPE = 'signalwire-conference-events';

describe('conference events node in the editor (chromium)', function () {
  this.timeout(120_000);
  let page: Page;
  let id = '';

  useEditor({ participants: 0 }, (started) => {
    page = started.page;
  });

  it('drags from the palette as an input node with two outputs', async function () {
    await filterPalette(page, TYPE);
    await dragFromPalette(page, TYPE, 240, 140);
    [id] = await waitFor('the node on the workspace', () => nodeIds(page, TYPE).then((a) => (a.length === 1 ? a : null)));
    const node = nodeById(page, id);
    await node.waitFor({ state: 'visible' });
    assert.equal(await node.locator('.red-ui-flow-port-input').count(), 0, 'no input port');
    assert.equal(await node.locator('.red-ui-flow-port-output').count(), 2, 'two outputs');
  });

  it('its dialog has every property, with the defaults, and marks a bad path and a bad coalesce as invalid', async function () {
    await openNodeDialog(page, id);
    for (const field of ['space', 'url', 'publicUrl', 'verify', 'coalesce']) {
      assert.equal(await page.locator(`#node-input-${field}`).count(), 1, `field ${field}`);
    }
    assert.equal(await page.locator('#node-input-url').inputValue(), '/signalwire/conference-events');
    assert.equal(await page.locator('#node-input-verify').isChecked(), true, 'signatures checked by default');
    assert.equal(await page.locator('#node-input-coalesce').inputValue(), '1000');
    await typeInto(page.locator('#node-input-url'), '/a/../b');
    await waitFor('the path marked invalid', () => hasInputError(page.locator('#node-input-url')), 5000);
    await typeInto(page.locator('#node-input-url'), '/hooks/conference');
    await waitFor('the path valid again', async () => !(await hasInputError(page.locator('#node-input-url'))), 5000);
    await typeInto(page.locator('#node-input-coalesce'), '-5');
    await waitFor('coalesce marked invalid', () => hasInputError(page.locator('#node-input-coalesce')), 5000);
    await typeInto(page.locator('#node-input-coalesce'), '500');
    await page.screenshot({ path: screenshotPath('events-dialog.png') });
    await page.locator('#node-dialog-cancel').click();
  });

  it('an older flow without some properties opens with the defaults: verify ticked, unknown list choices shown as their defaults', async function () {
    // Hand-written nodes as an older export has them: no verify, a mode and a filter that are no choice.
    const [eventsId, listId] = ['old-events', 'old-list'];
    await page.evaluate((ids) => {
      const z = RED.workspaces.active();
      RED.nodes.import(
        [
          { id: ids[0], type: 'signalwire-conference-events', z, x: 600, y: 400, url: '/old', wires: [[], []] },
          { id: ids[1], type: 'signalwire-list-participants', z, x: 600, y: 480, mode: 'bogus', muted: 'maybe', wires: [[]] },
        ],
        { generateIds: false },
      );
      RED.view.redraw(true);
    }, [eventsId, listId]);
    const edit = async (nodeId: string) => {
      // The tray of the step before may still be closing.
      await page.waitForFunction(() => !document.querySelector('#node-dialog-ok'));
      await page.evaluate((i) => RED.editor.edit(RED.nodes.node(i)), nodeId);
      await page.locator('#node-dialog-ok').waitFor({ state: 'visible' });
    };
    const cancel = async () => {
      await page.locator('#node-dialog-cancel').click();
      await page.waitForFunction(() => !document.querySelector('#node-dialog-ok'));
    };
    try {
      await edit(eventsId);
      assert.equal(await page.locator('#node-input-verify').isChecked(), true, 'verify ticked');
      await cancel();
      await edit(listId);
      assert.equal(await page.locator('#node-input-mode').inputValue(), 'all');
      assert.equal(await page.locator('#node-input-muted').inputValue(), 'msg');
      assert.equal(await page.locator('#node-input-hold').inputValue(), 'msg', 'a missing filter too');
      await cancel();
    } finally {
      await page.evaluate((ids) => {
        for (const i of ids) RED.nodes.remove(i);
        RED.view.redraw(true);
      }, [eventsId, listId]);
    }
  });

  it('its help says what each output carries and how signatures are checked', async function () {
    await openSidebarTab(page, 'help');
    await page.mouse.click(700, 600);
    await nodeById(page, id).locator('rect.red-ui-flow-node').click();
    const help = page.locator('.red-ui-sidebar-help-stack .red-ui-help').first();
    await waitFor('the help of the events node', async () => ((await help.locator('h1').first().innerText().catch(() => '')) || '').trim() === 'conference events', 10_000);
    const h3 = (await help.locator('h3:visible').allInnerTexts()).map((s) => s.trim());
    for (const heading of ['Outputs', 'Details']) assert.ok(h3.includes(heading), `help has "${heading}" (got ${h3.join(', ')})`);
    const text = await help.innerText();
    for (const words of [/X-SignalWire-Signature/, /Signing Key/, /204/, /Coalesce/]) assert.match(text, words);
    assert.doesNotMatch(text, /signalwire-[a-z-]+\.(label|tip|errors)\./, 'no untranslated message keys');
  });
});
