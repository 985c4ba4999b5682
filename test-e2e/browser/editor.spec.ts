// The editor in a real browser: Node-RED 4 (child process, fresh user dir with this package
// linked in) against a FakeSpace, driven through Debian's chromium by playwright-core.
// The tests run in order on one editor session, as a person would: drag the nodes in, configure
// them, read their help, then import the examples and deploy.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { FakeSpace } from '../../simulator';
import {
  type Harness,
  clickInject,
  closeNotifications,
  deploy,
  deployedFlows,
  dragFromPalette,
  exampleFiles,
  filterPalette,
  hasInputError,
  importExample,
  launchBrowser,
  removeDir,
  NODE_TYPES,
  nodeById,
  nodeIds,
  openEditor,
  openNodeDialog,
  openSidebarTab,
  paletteEntry,
  saveFailureScreenshot,
  screenshotPath,
  startHarness,
  typeInto,
  waitFor,
} from './lib';

declare const RED: any; // the editor's global, inside page.evaluate

describe('editor (Node-RED 4 in chromium)', function () {
  this.timeout(120_000);
  let h: Harness;
  let page: Page;
  let listId = '';
  let getId = '';

  before(async function () {
    h = await startHarness({ participants: 3, viewport: { width: 1600, height: 960 } });
    page = h.page;
    await openEditor(page, h.nodeRed.url);
  });

  afterEach(async function () {
    await saveFailureScreenshot(this, page);
  });

  after(async function () {
    await h?.stop();
  });

  it('palette: filtering shows each flow node (not the config node), and both drag onto the workspace', async function () {
    const registered = await page.evaluate((types) => types.filter((t: string) => !!RED.nodes.getType(t)), NODE_TYPES);
    assert.deepEqual(registered, NODE_TYPES, 'every node type of package.json is registered in the editor');
    assert.deepEqual(NODE_TYPES.slice().sort(), ['signalwire-get-participant', 'signalwire-list-participants', 'signalwire-space']);
    // signalwire-space is a config node: registered, but never in the palette
    await filterPalette(page, 'signalwire-space');
    assert.equal(await page.evaluate(() => RED.nodes.getType('signalwire-space')?.category), 'config');
    assert.equal(await paletteEntry(page, 'signalwire-space').count(), 0, 'a config node must not have a palette entry');
    assert.equal(await page.locator('#red-ui-palette-container .red-ui-palette-node:visible').count(), 0, 'filter "signalwire-space" shows nothing');

    const placed: Record<string, [number, number]> = {
      'signalwire-list-participants': [220, 120],
      'signalwire-get-participant': [220, 220],
    };
    for (const [type, [x, y]] of Object.entries(placed)) {
      await filterPalette(page, type);
      const visible = page.locator('#red-ui-palette-container .red-ui-palette-node:visible');
      assert.deepEqual(await visible.evaluateAll((els) => els.map((e) => e.getAttribute('data-palette-type'))), [type], `filter "${type}"`);
      const label = type === 'signalwire-list-participants' ? 'list participants' : 'get participant';
      assert.match((await paletteEntry(page, type).innerText()).replace(/\s+/g, ' ').trim(), new RegExp(label));
      assert.equal(await paletteEntry(page, type).evaluate((e) => e.closest('.red-ui-palette-category')?.id), 'red-ui-palette-container-SignalWire');

      await dragFromPalette(page, type, x, y);
      const ids = await waitFor(`a ${type} node on the workspace`, () => nodeIds(page, type).then((a) => (a.length === 1 ? a : null)));
      const node = nodeById(page, ids[0]);
      await node.waitFor({ state: 'visible' });
      assert.equal((await node.locator('.red-ui-flow-node-label').textContent())?.trim(), label);
      if (type === 'signalwire-list-participants') listId = ids[0];
      else getId = ids[0];
    }
    // both nodes want a config node until one is chosen: the editor shows them as invalid (red triangle)
    for (const id of [listId, getId]) {
      assert.equal(await nodeById(page, id).locator('.red-ui-flow-node-error:not(.hide)').count(), 1, 'unconfigured node marked invalid');
    }
    await filterPalette(page, 'signalwire');
    await page.mouse.click(700, 600); // deselect
    await page.screenshot({ path: screenshotPath('palette-drag.png') });
  });

  it('config dialog: add a space from the list node, Test connection says ok, a wrong token says unauthorized', async function () {
    assert.ok(listId, 'needs the node from the palette test');
    await openNodeDialog(page, listId);
    // Node-RED 4.1: "+" adds a new config node; older/newer editors: the pencil next to "Add new ..."
    await page.locator('#node-input-btn-space-add, #node-input-lookup-space').first().click();
    const space = page.locator('#node-config-input-space');
    await space.waitFor({ state: 'visible' });
    assert.match(await page.locator('.red-ui-tray-breadcrumbs').last().innerText(), /signalwire-space/);

    await typeInto(page.locator('#node-config-input-name'), 'Fake space');
    await typeInto(space, h.space.url);
    await typeInto(page.locator('#node-config-input-projectId'), h.space.projectId);
    await typeInto(page.locator('#node-config-input-apiToken'), h.space.apiToken);
    assert.equal(await page.locator('#node-config-input-apiToken').getAttribute('type'), 'password');

    const result = page.locator('#node-config-signalwire-test-result');
    const before = h.space.requests.length;
    assert.equal(await testConnection(page), 'ok');
    assert.match(await result.innerText(), /Connection OK/);
    assert.ok(h.space.requests.length > before, 'Test connection reached the space');
    await page.screenshot({ path: screenshotPath('config-test-connection.png') });

    await typeInto(page.locator('#node-config-input-apiToken'), 'PT' + '0'.repeat(48));
    assert.equal(await testConnection(page), 'unauthorized');
    assert.match(await result.innerText(), /Unauthorized/);

    await typeInto(page.locator('#node-config-input-apiToken'), h.space.apiToken);
    assert.equal(await testConnection(page), 'ok');
  });

  it('config dialog: validation marks plain http:// to a remote host, and a page size of 5000, as invalid', async function () {
    const space = page.locator('#node-config-input-space');
    assert.equal(await hasInputError(space), false, 'the fake space URL (loopback http) is valid');
    await typeInto(space, 'http://10.0.0.1');
    await waitFor('input-error on the space', () => hasInputError(space), 5000);
    // the reason shows as a tooltip when the pointer comes over the field
    await page.mouse.move(5, 500);
    await space.hover();
    await waitFor('the validation message', async () => /only allowed for local hosts/.test((await page.locator('.red-ui-popover:visible').allInnerTexts()).join(' ')), 5000);
    await page.mouse.move(5, 500);
    await typeInto(space, 'https://example.signalwire.com');
    await waitFor('no input-error on an https space', async () => !(await hasInputError(space)), 5000);
    await typeInto(space, 'not a space!');
    await waitFor('input-error on a malformed space', () => hasInputError(space), 5000);
    await typeInto(space, h.space.url);
    await waitFor('no input-error on the loopback space', async () => !(await hasInputError(space)), 5000);
    await typeInto(page.locator('#node-config-input-retries'), '11');
    await waitFor('input-error on 11 retries', () => hasInputError(page.locator('#node-config-input-retries')), 5000);
    await typeInto(page.locator('#node-config-input-retries'), '3');

    await page.locator('#node-config-dialog-ok').click(); // Add
    await space.waitFor({ state: 'detached' });
    // back in the list node's dialog, with the new config node selected
    const select = page.locator('#node-input-space');
    await waitFor('the new config node selected', async () => (await select.locator('option:checked').innerText()) === 'Fake space');
    assert.equal(await hasInputError(select), false);

    const mode = page.locator('#node-input-mode');
    const pageSize = page.locator('#node-input-pageSize');
    assert.equal(await pageSize.isVisible(), false, 'no page size in the "all pages" mode');
    await mode.selectOption('page');
    await pageSize.waitFor({ state: 'visible' });
    assert.equal(await page.locator('#node-input-maxPages').isVisible(), false);
    await typeInto(pageSize, '5000');
    await waitFor('input-error on page size 5000', () => hasInputError(pageSize), 5000);
    await typeInto(pageSize, '50');
    await waitFor('no input-error on page size 50', async () => !(await hasInputError(pageSize)), 5000);
    await page.locator('#node-dialog-ok').click();
    await page.locator('#node-dialog-ok').waitFor({ state: 'detached' });

    // the get node: choose the same config node in its dialog
    await openNodeDialog(page, getId);
    const getSelect = page.locator('#node-input-space');
    const options = await getSelect.locator('option').allInnerTexts();
    assert.ok(options.includes('Fake space'), `config node offered: ${options.join(', ')}`);
    await getSelect.selectOption({ label: 'Fake space' });
    await page.locator('#node-dialog-ok').click();
    await page.locator('#node-dialog-ok').waitFor({ state: 'detached' });
    for (const id of [listId, getId]) {
      await waitFor('the node no longer marked invalid', async () => (await nodeById(page, id).locator('.red-ui-flow-node-error:not(.hide)').count()) === 0, 5000);
    }

    await deploy(page);
    const flows = await deployedFlows(h.nodeRed);
    const cfg = flows.find((n) => n.type === 'signalwire-space' && n.name === 'Fake space');
    assert.ok(cfg, 'config node deployed');
    assert.equal(cfg.space, h.space.url);
    assert.equal(String(cfg.retries), '3');
    assert.equal(JSON.stringify(cfg).includes(h.space.apiToken), false, 'the token is never in the flows');
    const list = flows.find((n) => n.id === listId);
    assert.equal(list.space, cfg.id);
    assert.equal(list.mode, 'page');
    assert.equal(String(list.pageSize), '50');
    assert.equal(flows.find((n) => n.id === getId).space, cfg.id);
  });

  it('Test connection with the stored token: ok for its own space, refused for another (which gets no request)', async function () {
    await openNodeDialog(page, listId);
    await page.locator('#node-input-btn-space-edit, #node-input-lookup-space').first().click();
    const token = page.locator('#node-config-input-apiToken');
    await token.waitFor({ state: 'visible' });
    assert.equal(await token.inputValue(), '__PWRD__', 'the editor never gets the stored token back');
    assert.equal(await testConnection(page), 'ok');

    // a second space that would accept the same credentials: the stored token must not go there
    const other = new FakeSpace({ projectId: h.space.projectId, apiToken: h.space.apiToken });
    try {
      await typeInto(page.locator('#node-config-input-space'), await other.start());
      assert.equal(await testConnection(page), 'invalid');
      assert.match(await page.locator('#node-config-signalwire-test-result').innerText(), /Settings incomplete or invalid/);
      assert.equal(other.requests.length, 0, 'the other space got no request');
    } finally {
      await other.close();
    }
    await page.locator('#node-config-dialog-cancel').click();
    await page.locator('#node-config-input-space').waitFor({ state: 'detached' });
    await page.locator('#node-dialog-cancel').click();
    await page.locator('#node-dialog-ok').waitFor({ state: 'detached' });
    const flows = await deployedFlows(h.nodeRed);
    assert.equal(flows.find((n) => n.type === 'signalwire-space' && n.name === 'Fake space')?.space, h.space.url, 'cancel kept the deployed space');
  });

  it('help sidebar: each node type shows its help with Inputs / Outputs / Details (config node: Properties / Details)', async function () {
    const expected: [string, string, string[]][] = [
      ['signalwire-list-participants', 'list participants', ['Inputs', 'Outputs', 'Errors', 'Details']],
      ['signalwire-get-participant', 'get participant', ['Inputs', 'Outputs', 'Errors', 'Details']],
      ['signalwire-space', 'signalwire-space', ['Properties', 'Details']],
    ];
    await openSidebarTab(page, 'help');
    for (const [type, title, headings] of expected) {
      if (type === 'signalwire-space') {
        // a config node is not on the workspace: pick it in the help's table of contents
        const tocButton = page.locator('#red-ui-sidebar-help-show-toc');
        if (!((await tocButton.getAttribute('class')) ?? '').includes('selected')) await tocButton.click();
        const toc = page.locator('.red-ui-sidebar-help-toc');
        await toc.locator('.red-ui-treeList-label', { hasText: 'node-red-contrib-signalwire' }).first().waitFor({ state: 'visible' });
        const entry = toc.locator('.red-ui-treeList-label', { hasText: /^signalwire-space$/ });
        if (!(await entry.isVisible())) await toc.locator('.red-ui-treeList-label', { hasText: 'node-red-contrib-signalwire' }).first().click();
        await entry.click();
      } else {
        await page.mouse.click(700, 600);
        await nodeById(page, type === 'signalwire-list-participants' ? listId : getId).locator('rect.red-ui-flow-node').click();
      }
      const help = page.locator('.red-ui-sidebar-help-stack .red-ui-help').first();
      await waitFor(`help for ${type}`, async () => ((await help.locator('h1').first().innerText().catch(() => '')) || '').trim() === title, 10_000);
      const h3 = (await help.locator('h3:visible').allInnerTexts()).map((s) => s.trim());
      for (const heading of headings) assert.ok(h3.includes(heading), `${type} help has "${heading}" (got ${h3.join(', ')})`);
      const text = await help.innerText();
      assert.ok(text.length > 800, `${type} help is more than a stub`);
      assert.doesNotMatch(text, /signalwire-[a-z-]+\.(label|tip|errors)\./, 'no untranslated message keys');
      if (type === 'signalwire-list-participants') {
        assert.match(text, /msg\.paging/);
        await closeNotifications(page);
        await page.screenshot({ path: screenshotPath('help.png') });
      }
    }
  });

  for (const ex of exampleFiles()) {
    it(`Import > Examples: "${ex.name}" imports into a new flow and deploys with no unknown types`, async function () {
      const before = await page.evaluate(() => RED.nodes.filterNodes({}).length);
      await importExample(page, ex.name);
      const flowNodes = ex.flows.filter((n) => typeof n.x === 'number');
      const tab = await page.evaluate(() => RED.workspaces.active());
      const onTab = await page.evaluate((z) => RED.nodes.filterNodes({ z }).map((n: any) => n.type), tab);
      assert.equal(onTab.length, flowNodes.length, 'every flow node of the example is on the new tab');
      assert.ok((await page.evaluate(() => RED.nodes.filterNodes({}).length)) >= before + flowNodes.length);
      const unknown = await page.evaluate(() => RED.nodes.filterNodes({ type: 'unknown' }).map((n: any) => n.name));
      assert.deepEqual(unknown, [], 'no unknown node types in the editor');
      assert.equal(await page.locator('#red-ui-workspace-chart .red-ui-flow-node-unknown').count(), 0);

      const notes = await deploy(page);
      assert.doesNotMatch(notes, /unknown|missing|not installed|improperly configured/i);
      const deployed = await deployedFlows(h.nodeRed);
      for (const n of ex.flows.filter((x) => x.type !== 'signalwire-space' && x.type !== 'tab' && typeof x.x === 'number')) {
        assert.ok(deployed.some((d) => d.type === n.type && d.name === n.name && d.z === tab), `deployed: ${n.type} "${n.name}"`);
      }
      assert.doesNotMatch(h.nodeRed.output(), /Waiting for missing types|Unknown type|Missing node modules/i);
    });
  }

  it('the imported list example runs: its inject lists the fake conference into the debug sidebar', async function () {
    const ex = exampleFiles().find((e) => e.flows.some((n) => n.type === 'inject' && n.name === 'first page'));
    if (!ex) this.skip();
    const injectId = await page.evaluate(() => RED.nodes.filterNodes({ type: 'inject' }).find((n: any) => n.name === 'first page')?.id);
    assert.ok(injectId, 'the "first page" inject was imported');
    const z = await page.evaluate((id) => RED.nodes.node(id).z, injectId);
    await page.evaluate((id) => RED.workspaces.show(id), z);
    await openSidebarTab(page, 'debug');
    await page.locator('.red-ui-sidebar-debug .red-ui-debug-toolbar a[id$="clear"], #red-ui-sidebar-debug-clear').first().click().catch(() => undefined);
    await clickInject(page, injectId);
    const debug = page.locator('.red-ui-debug-msg');
    await waitFor('the participants in the debug sidebar', async () => /participants of this page/.test((await debug.allInnerTexts()).join('\n')), 15_000);
    const text = (await debug.allInnerTexts()).join('\n');
    assert.match(text, /array\[2\]/, 'page size 2 of the example: two participants');
    const listNode = await page.evaluate(() => RED.nodes.filterNodes({ type: 'signalwire-list-participants' }).find((n: any) => n.name === 'one page of participants')?.id);
    await waitFor('the node status', async () => /participant|page/i.test((await nodeById(page, listNode).locator('.red-ui-flow-node-status-label').textContent()) ?? ''), 10_000);
    await closeNotifications(page);
    await page.mouse.click(900, 700);
    await page.screenshot({ path: screenshotPath('editor.png') });
  });

  it('German browser: the dialog and the help come from locales/de, with no raw message keys', async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-browser-de-'));
    const de = await launchBrowser(dir, { locale: 'de-DE' });
    try {
      const p = de.pages()[0] ?? (await de.newPage());
      p.setDefaultTimeout(15_000);
      const errors: string[] = [];
      p.on('pageerror', (err) => errors.push(err.stack ?? String(err)));
      await openEditor(p, h.nodeRed.url);
      await p.evaluate((id) => RED.workspaces.show(RED.nodes.node(id).z), listId);
      assert.match(await paletteEntry(p, 'signalwire-list-participants').innerText(), /Teilnehmer/);
      await openNodeDialog(p, listId);
      const dialog = await p.locator('.red-ui-tray').last().innerText();
      assert.match(dialog, /Modus/);
      assert.match(dialog, /eine Seite/);
      assert.doesNotMatch(dialog, /signalwire-[a-z-]+\.[a-z]+\./, 'no raw message keys in the dialog');
      await p.locator('#node-input-btn-space-edit, #node-input-lookup-space').first().click();
      await p.locator('#node-config-input-space').waitFor({ state: 'visible' });
      const config = await p.locator('.red-ui-tray').last().innerText();
      assert.match(config, /Verbindung testen/);
      assert.doesNotMatch(config, /signalwire-[a-z-]+\.[a-z]+\./, 'no raw message keys in the config dialog');
      await p.locator('#node-config-dialog-cancel').click();
      await p.locator('#node-config-input-space').waitFor({ state: 'detached' });
      await p.locator('#node-dialog-cancel').click();
      await p.locator('#node-dialog-ok').waitFor({ state: 'detached' });

      await openSidebarTab(p, 'help');
      await nodeById(p, listId).locator('rect.red-ui-flow-node').click();
      const help = p.locator('.red-ui-sidebar-help-stack .red-ui-help').first();
      await waitFor('the German help', async () => (await help.locator('h3:visible').allInnerTexts()).map((t) => t.trim()).includes('Eingangsdaten'), 10_000);
      const h3 = (await help.locator('h3:visible').allInnerTexts()).map((t) => t.trim());
      for (const heading of ['Eingangsdaten', 'Ausgangsdaten', 'Details']) assert.ok(h3.includes(heading), `German help has "${heading}" (got ${h3.join(', ')})`);
      assert.deepEqual(errors, []);
    } finally {
      await de.close();
      removeDir(dir);
    }
  });

  it('the editor page logged no JavaScript errors', function () {
    assert.deepEqual(h.pageErrors, []);
  });
});

/** Clicks Test connection and returns the data-result once it is no longer "testing". */
async function testConnection(page: Page): Promise<string> {
  const result = page.locator('#node-config-signalwire-test-result');
  await page.locator('#node-config-signalwire-test').click();
  return waitFor('the Test connection result', async () => {
    const r = await result.getAttribute('data-result');
    return r && r !== 'testing' ? r : null;
  }, 20_000);
}
