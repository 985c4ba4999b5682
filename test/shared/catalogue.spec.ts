// One source for every text: each key the code or an editor file uses is in both languages,
// and each key of a catalogue is used somewhere. The scan reads the sources as text.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { NUMBER_RULES } from '../../nodes/lib/shared/rules';

const ROOT = path.join(__dirname, '..', '..');
const LANGS = ['en-US', 'de'];

function read(rel: string): string {
  return fs.readFileSync(path.join(ROOT, rel), 'utf8');
}

function files(dir: string, ext: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith(ext)).map((f) => path.join(dir, f));
}

/** Every key of a catalogue file, dotted, with i18next's plural suffixes folded into the key. */
function keysOf(file: string): Set<string> {
  const keys = new Set<string>();
  const walk = (prefix: string, value: unknown): void => {
    if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(prefix ? `${prefix}.${k}` : k, v);
    } else keys.add(prefix.replace(/_(one|other|zero|two|few|many)$/, ''));
  };
  walk('', JSON.parse(read(file)));
  return keys;
}

const NODE_SETS = Object.keys((JSON.parse(read('package.json')) as { 'node-red': { nodes: Record<string, string> } })['node-red'].nodes);

/** Keys the runtime looks up in the shared catalogue (signalwire-space.json, under signalwire-space.). */
function runtimeKeys(): Set<string> {
  const used = new Set<string>();
  for (const file of files('nodes', '.ts')) {
    const src = read(file);
    for (const m of src.matchAll(/\b(?:text|t)\(\s*'((?:errors|status|fields|values|log|test|roster)\.[\w.-]+)'/g)) used.add(m[1]);
    // Whole keys written in tables (a status or a log line per case).
    for (const m of src.matchAll(/'((?:status|log|roster)\.[\w-]+)'/g)) used.add(m[1]);
    for (const m of src.matchAll(/(?:new SignalWireError\(\s*(?:'[\w-]+'|\w+),\s*|\b(?:badInput|configError|badResponse|problem)\(\s*)'([\w-]+)'/g)) used.add(`errors.${m[1]}`);
    for (const m of src.matchAll(/\bkey\s*=\s*rule\.integer \? \(upward \? '([\w-]+)' : '([\w-]+)'\) : '([\w-]+)'/g)) for (const k of m.slice(1)) used.add(`errors.${k}`);
    for (const m of src.matchAll(/resolve(?:Optional)?Sid\([^)]*'(\w+)'\)/g)) used.add(`fields.${m[1]}`);
    // A rule naming the field of its problem (its text says the field's name).
    for (const m of src.matchAll(/\bfield: '(\w+)'/g)) used.add(`fields.${m[1]}`);
  }
  for (const field of Object.keys(NUMBER_RULES)) used.add(`fields.${field}`);
  return new Set([...used].map((k) => `signalwire-space.${k}`));
}

/** Keys the editor files use: data-i18n attributes and t("...") / RED._("...") calls. */
function editorKeys(): Set<string> {
  const used = new Set<string>();
  for (const file of [...files('nodes', '.html'), ...files('resources', '.js')]) {
    const src = read(file);
    for (const m of src.matchAll(/data-i18n="(?:\[[\w-]+\])?([\w.-]+)"/g)) used.add(m[1]);
    for (const m of src.matchAll(/["']((?:signalwire-[\w-]+)(?:\.[\w-]+)+)["']/g)) if (!/\.(svg|png|js|html|json)$/.test(m[1])) used.add(m[1]);
  }
  return used;
}

describe('message catalogues', () => {
  const catalogue = new Map<string, Map<string, Set<string>>>();
  for (const lang of LANGS) {
    catalogue.set(lang, new Map(NODE_SETS.map((set) => [set, keysOf(`locales/${lang}/${set}.json`)])));
  }
  const setOf = (key: string) => key.split('.')[0];

  it('has the same keys in every language', () => {
    for (const set of NODE_SETS) {
      const en = [...catalogue.get('en-US')!.get(set)!].sort();
      for (const lang of LANGS.slice(1)) assert.deepEqual([...catalogue.get(lang)!.get(set)!].sort(), en, `${lang}/${set}.json`);
    }
  });

  it('has every key the runtime and the editor use, in every language', () => {
    const used = [...runtimeKeys(), ...editorKeys()];
    assert.ok(used.length > 100, `found ${used.length} keys: the scan is broken`);
    for (const lang of LANGS) {
      const missing = used.filter((k) => !catalogue.get(lang)!.get(setOf(k))?.has(k));
      assert.deepEqual(missing, [], `missing from locales/${lang}`);
    }
  });

  it('has no key that nothing uses', () => {
    const used = new Set([...runtimeKeys(), ...editorKeys()]);
    const unused: string[] = [];
    for (const set of NODE_SETS) for (const key of catalogue.get('en-US')!.get(set)!) if (!used.has(key)) unused.push(key);
    assert.deepEqual(unused, []);
  });

  it('has a help text in every language for every node', () => {
    for (const lang of LANGS) for (const set of NODE_SETS) assert.ok(fs.existsSync(path.join(ROOT, `locales/${lang}/${set}.html`)), `${lang}/${set}.html`);
  });
});
