import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const DIST = path.join(__dirname, '..', '..', 'dist');

/**
 * In a fresh Node process (as Node-RED loads installed packages): registers every node of the
 * built package with a stub RED, optionally builds a space node, and reports whether axios was
 * loaded at each point.
 */
function loadInFreshProcess(thenDeploySpace: boolean): { afterRegister: boolean; afterSpace: boolean | null; types: string[] } {
  const script = `
    const path = require('node:path');
    const dist = ${JSON.stringify(DIST)};
    const axiosLoaded = () => Object.keys(require.cache).some((f) => f.split(path.sep).includes('axios'));
    const ctors = {};
    const RED = {
      nodes: { registerType: (type, ctor) => { ctors[type] = ctor; }, createNode() {}, getNode: () => null },
      httpAdmin: { post() {}, get() {} },
      auth: { needsPermission: () => (req, res, next) => next() },
      util: {}, settings: {}, _: (k) => k,
    };
    const nodes = require(path.join(dist, '..', 'package.json'))['node-red'].nodes;
    for (const file of Object.values(nodes)) require(path.join(dist, '..', file))(RED);
    const afterRegister = axiosLoaded();
    let afterSpace = null;
    if (${thenDeploySpace}) {
      const space = { credentials: { projectId: 'p', apiToken: 't' }, on() {}, debug() {}, error(m) { throw new Error(m); } };
      ctors['signalwire-space'].call(space, { space: 'http://127.0.0.1:9' });
      if (!space.client) throw new Error('no client');
      space.client.close();
      afterSpace = axiosLoaded();
    }
    console.log(JSON.stringify({ afterRegister, afterSpace, types: Object.keys(ctors) }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { afterRegister: boolean; afterSpace: boolean | null; types: string[] };
}

describe('loading the package (nodes/lib/client/load.ts)', function () {
  this.timeout(30_000);

  it('registers every node without loading axios: Node-RED loads installed packages at start, used or not', function () {
    const loaded = loadInFreshProcess(false);
    assert.ok(loaded.types.includes('signalwire-space') && loaded.types.includes('signalwire-conference-roster'), loaded.types.join(', '));
    assert.equal(loaded.afterRegister, false, 'axios was loaded by registering the nodes');
  });

  it('the first space node deployed loads the REST client, and axios with it', function () {
    const loaded = loadInFreshProcess(true);
    assert.equal(loaded.afterRegister, false);
    assert.equal(loaded.afterSpace, true);
  });
});
