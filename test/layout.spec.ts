// The library's folders and which may use which (docs/architecture.md): every import of
// nodes/lib/ runs down this list, never up or sideways, so a change to the client cannot need
// the roster, and the rules the editor loads need nothing of the runtime's.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const LIB = path.join(__dirname, '..', 'nodes', 'lib');

/** Each folder of nodes/lib/ and the folders its files may import from. */
const MAY_USE: Record<string, string[]> = {
  shared: [],
  client: ['shared'],
  requests: ['client', 'shared'],
  callbacks: ['client', 'shared'],
  roster: ['requests', 'client', 'shared'],
};

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** The relative modules a file imports (import ... from, export ... from, import()). */
function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)].map((m) => m[1]);
}

describe('layout of nodes/lib (docs/architecture.md)', () => {
  it('has only the folders of the architecture, and no file beside them', () => {
    const entries = fs.readdirSync(LIB, { withFileTypes: true });
    assert.deepEqual(entries.filter((e) => !e.isDirectory()).map((e) => e.name), []);
    assert.deepEqual(entries.map((e) => e.name).sort(), Object.keys(MAY_USE).sort());
  });

  for (const [folder, allowed] of Object.entries(MAY_USE)) {
    it(`${folder}/ imports only from ${allowed.length > 0 ? allowed.map((f) => `${f}/`).join(', ') : 'itself'} (and packages), never a node file`, () => {
      const wrong: string[] = [];
      for (const file of sources(path.join(LIB, folder))) {
        for (const spec of imports(file)) {
          const target = path.relative(LIB, path.resolve(path.dirname(file), spec));
          const top = target.split(path.sep)[0];
          if (top.startsWith('..') || (top !== folder && !allowed.includes(top))) wrong.push(`${path.relative(LIB, file)} -> ${spec}`);
        }
      }
      assert.deepEqual(wrong, []);
    });
  }
});
