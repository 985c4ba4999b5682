// Section 4, one measurement in a fresh process (plain node, no TypeScript hooks):
//   node bench/cold-start.js package   time to load and register this package's nodes
//   node bench/cold-start.js sdk       time to require('@signalwire/compatibility-api')
// Prints {"ms": ...}. The package is loaded from BENCH_PKG_DIR (run.ts's copy of dist/) or dist/.
'use strict';
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const what = process.argv[2];
const pkgDir = process.env.BENCH_PKG_DIR || path.resolve(__dirname, '..');
let ms;
let detail = {};

if (what === 'package') {
  // What Node-RED's registry does with each node file of the package: require it and call its
  // export with RED, which registers the type (and the config node's admin route).
  const types = [];
  const RED = {
    nodes: { registerType: (type) => types.push(type), createNode() {}, getNode: () => null },
    httpAdmin: { post() {}, get() {} },
    auth: { needsPermission: () => (req, res, next) => next() },
    util: {},
    settings: {},
    _: (k) => k,
  };
  const files = require(path.join(pkgDir, 'package.json'))['node-red'].nodes;
  const t0 = performance.now();
  for (const file of Object.values(files)) require(path.join(pkgDir, file))(RED);
  ms = performance.now() - t0;
  // Not part of the comparison: what the first deployed space then spends loading the REST
  // client (and axios), which registering does not load.
  const t1 = performance.now();
  require(path.join(pkgDir, 'dist', 'nodes', 'lib', 'client', 'load.js')).clientClass();
  detail = { types, clientMs: performance.now() - t1 };
} else if (what === 'sdk') {
  const t0 = performance.now();
  const sdk = require('@signalwire/compatibility-api');
  ms = performance.now() - t0;
  // Not part of the comparison: what a flow's On Start then spends making the client.
  const t1 = performance.now();
  sdk.RestClient('p', 't', { signalwireSpaceUrl: 'example.signalwire.com' });
  detail = { clientMs: performance.now() - t1 };
} else {
  console.error('usage: node bench/cold-start.js package|sdk');
  process.exit(2);
}
console.log(JSON.stringify({ ms, ...detail }));
