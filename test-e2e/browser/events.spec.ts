// The conference events node in the editor: from the palette onto the workspace, its dialog
// (fields, validation by the shared rules) and its help (Outputs / Details), in headless chromium.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { type Harness, dragFromPalette, filterPalette, hasInputError, nodeById, nodeIds, openEditor, openNodeDialog, openSidebarTab, saveFailureScreenshot, screenshotPath, startHarness, typeInto, waitFor } from './lib';

const TYPE = 'signalwire-conference-events';

describe('conference events node in the editor (chromium)', function () {
  this.timeout(120_000);
  let h: Harness;
  let page: Page;
  let id = '';

  before(async function () {
    h = await startHarness({ participants: 0 });
    page = h.page;
    await openEditor(page, h.nodeRed.url);
  });

  afterEach(async function () {
    await saveFailureScreenshot(this, page);
  });

  after(async function () {
    await h?.stop();
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
