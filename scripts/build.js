#!/usr/bin/env node
// Assembles dist/: compiled nodes with their editor HTML, locales/ and icons/ beside them,
// which is where Node-RED looks for them.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'dist', 'nodes');

fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], {
  cwd: root,
  stdio: 'inherit',
});
for (const file of fs.readdirSync(path.join(root, 'nodes'))) {
  if (file.endsWith('.html')) fs.copyFileSync(path.join(root, 'nodes', file), path.join(out, file));
}
for (const dir of ['locales', 'icons']) {
  fs.cpSync(path.join(root, dir), path.join(out, dir), { recursive: true });
}
console.log(`built ${path.relative(root, out)}`);
