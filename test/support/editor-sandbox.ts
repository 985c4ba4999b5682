// The editor side of the nodes, run as the editor runs it: the shared resources/ scripts and
// each node HTML's script, in a sandbox with just enough of RED and jQuery. Keeps each
// definition registered, with the real catalogues behind its `_`.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { translatorFor } from './catalogues';

const ROOT = path.join(__dirname, '../..');

export type Validate = (this: object, v: unknown, opt?: object) => true | string;
export type Definition = { defaults: Record<string, { value?: unknown; validate?: Validate }>; inputs: number; outputs: number; category: string };

/** Loads resources/signalwire-rules.js, resources/signalwire-editor.js and every nodes/*.html. */
export function loadEditor(): Map<string, Definition> {
  const definitions = new Map<string, Definition>();
  const chain: Record<string, unknown> = {};
  for (const m of ['attr', 'text', 'appendTo', 'val', 'on', 'toggle', 'find', 'length']) chain[m] = () => chain;
  const $ = Object.assign(() => ({ ...chain, length: 0 }), { extend: (target: object, ...objs: object[]) => Object.assign(target, ...objs) });
  const RED = {
    nodes: {
      registerType(type: string, def: Definition & { _?: unknown }) {
        def._ = translatorFor(type);
        definitions.set(type, def);
      },
      getType: (type: string) => definitions.get(type),
    },
    validators: { typedInput: () => () => true },
    settings: { httpNodeRoot: '/' },
    _: translatorFor('signalwire-space'),
  };
  const sandbox: Record<string, unknown> = { RED, $, jQuery: $, document: { getElementById: () => null }, URL, JSON };
  sandbox.window = sandbox;
  const context = vm.createContext(sandbox);
  for (const file of ['resources/signalwire-rules.js', 'resources/signalwire-editor.js']) vm.runInContext(fs.readFileSync(path.join(ROOT, file), 'utf8'), context, { filename: file });
  for (const file of fs.readdirSync(path.join(ROOT, 'nodes')).filter((f) => f.endsWith('.html'))) {
    const html = fs.readFileSync(path.join(ROOT, 'nodes', file), 'utf8');
    for (const m of html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)) vm.runInContext(m[1], context, { filename: file });
  }
  return definitions;
}
