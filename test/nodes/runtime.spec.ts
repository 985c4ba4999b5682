import assert from 'node:assert/strict';
import { helper } from '../support/harness';

// CI runs this suite once per supported Node-RED major; this proves which one it ran on.
describe('runtime under test', () => {
  it('is the Node-RED major that CI asked for (EXPECT_NODE_RED_MAJOR), on a Node it supports', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const version: string = (helper as any)._RED.version();
    const [major, minor] = version.split('.').map(Number);
    console.log(`      Node-RED ${version} on Node ${process.version}`);
    if (process.env.EXPECT_NODE_RED_MAJOR) assert.equal(major, Number(process.env.EXPECT_NODE_RED_MAJOR));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const declared: string = require('../../package.json')['node-red'].version;
    assert.equal(declared, '>=4.1.0');
    assert.ok(major > 4 || (major === 4 && minor >= 1), `Node-RED ${version} is older than the declared ${declared}`);
    if (major >= 5) assert.ok(Number(process.versions.node.split('.')[0]) >= 22, 'Node-RED 5 needs Node >= 22.9');
  });
});
