// The package's example flows (examples/*.json, listed by Node-RED under Import > Examples),
// and how `npm start` and the tests deploy them together: each example on its own tab, with one
// shared SignalWire config node and one set of dashboard base/theme/page/group nodes.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const EXAMPLES_DIR = path.join(ROOT, 'examples');

/** The endpoint of example 03's `http in` node, and the dashboard page it fills. */
export const CALLBACK_PATH = '/signalwire/conference-status';
export const DASHBOARD_PATH = '/dashboard/participants';

export type FlowNode = Record<string, unknown> & { id: string; type: string };

export interface Example {
  /** The file name, e.g. `01 - List participants page by page.json`. */
  file: string;
  /** The menu entry Node-RED shows: the file name without `.json`. */
  title: string;
  nodes: FlowNode[];
}

export function exampleFiles(dir: string = EXAMPLES_DIR): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

export function readExample(file: string, dir: string = EXAMPLES_DIR): Example {
  const nodes = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as unknown;
  if (!Array.isArray(nodes)) throw new Error(`${file}: not a JSON array of nodes`);
  for (const n of nodes) {
    if (n === null || typeof n !== 'object' || typeof n.id !== 'string' || typeof n.type !== 'string') {
      throw new Error(`${file}: every entry needs a string id and type`);
    }
  }
  return { file, title: file.replace(/\.json$/, ''), nodes: nodes as FlowNode[] };
}

export function readExamples(dir: string = EXAMPLES_DIR): Example[] {
  return exampleFiles(dir).map((f) => readExample(f, dir));
}

/** A node on a canvas (Node-RED treats a node without x/y as a config node). */
export function isFlowNode(n: FlowNode): boolean {
  return typeof n.x === 'number' && typeof n.y === 'number';
}

function isConfigNode(n: FlowNode): boolean {
  return !isFlowNode(n) && n.type !== 'tab' && n.type !== 'subflow' && n.type !== 'group';
}

function newId(...parts: string[]): string {
  return createHash('sha1').update(parts.join('\u0000')).digest('hex').slice(0, 16);
}

/**
 * The identity under which config nodes of different examples are merged: one SignalWire space,
 * and one dashboard base / theme / page / group per path or name. null: kept per example.
 */
function sharedKey(n: FlowNode, byId: Map<string, FlowNode>, depth = 0): string | null {
  switch (n.type) {
    case 'signalwire-space':
      return 'signalwire-space';
    case 'ui-base':
      return `ui-base:${String(n.path)}`;
    case 'ui-theme':
      return `ui-theme:${String(n.name)}`;
    case 'ui-page':
      return `ui-page:${String(n.path)}`;
    case 'ui-group': {
      const page = byId.get(String(n.page));
      const pageKey = page && depth < 3 ? sharedKey(page, byId, depth + 1) : String(n.page);
      return `ui-group:${pageKey}:${String(n.name)}`;
    }
    default:
      return null;
  }
}

/** Every string equal to an old id, anywhere in a node's properties, becomes the new id. */
function remap(value: unknown, ids: Map<string, string>): unknown {
  if (typeof value === 'string') return ids.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => remap(v, ids));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = remap(v, ids);
    return out;
  }
  return value;
}

/**
 * One deployable flow file from several examples: each example on a tab of its own (its title as
 * the label, its comment as the tab's info), ids rewritten so that no two examples can collide,
 * and the shared config nodes (SignalWire space, dashboard base/theme/page/group) kept once. The
 * SignalWire config node keeps its fields empty, so the SIGNALWIRE_* environment is used.
 */
export function combineExamples(examples: Example[]): FlowNode[] {
  const out: FlowNode[] = [];
  const shared = new Map<string, string>(); // shared key -> id in the output
  for (const ex of examples) {
    const byId = new Map(ex.nodes.map((n) => [n.id, n]));
    const ids = new Map<string, string>();
    const tabs = ex.nodes.filter((n) => n.type === 'tab');
    // The example's own tab, or one made for it: the flow nodes' z all point to it.
    const tabId = tabs.length === 1 ? newId(ex.file, tabs[0].id) : newId(ex.file, 'tab');
    for (const n of ex.nodes) {
      const key = isConfigNode(n) ? sharedKey(n, byId) : null;
      ids.set(n.id, key ? newId('shared', key) : newId(ex.file, n.id));
    }
    for (const n of ex.nodes) {
      if (typeof n.z === 'string' && !byId.has(n.z) && tabs.length === 0) ids.set(n.z, tabId);
    }
    if (tabs.length === 0) {
      const info = ex.nodes.find((n) => n.type === 'comment' && typeof n.info === 'string');
      out.push({ id: tabId, type: 'tab', label: ex.title, disabled: false, info: (info?.info as string) ?? '', env: [] });
    }
    for (const n of ex.nodes) {
      const key = isConfigNode(n) ? sharedKey(n, byId) : null;
      if (key) {
        if (shared.has(key)) continue;
        shared.set(key, ids.get(n.id)!);
      }
      const copy = remap(n, ids) as FlowNode;
      copy.id = ids.get(n.id)!;
      if (isConfigNode(n)) delete copy.z; // config nodes are global, shared by every tab
      if (n.type === 'signalwire-space') {
        copy.space = '';
        delete copy.credentials;
      }
      out.push(copy);
    }
  }
  return out;
}

/** The first node of a type (and name, when given) in a flow; throws when there is none. */
export function findNode(nodes: FlowNode[], type: string, name?: string): FlowNode {
  const n = nodes.find((x) => x.type === type && (name === undefined || x.name === name));
  if (!n) throw new Error(`no ${type} node${name === undefined ? '' : ` named "${name}"`}`);
  return n;
}
