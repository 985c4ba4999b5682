// The package's example flows (examples/*.json, listed by Node-RED under Import > Examples),
// and how `npm start` and the tests deploy them together: each example on its own tab, with one
// shared SignalWire config node and one set of dashboard base/theme/page/group nodes, every node
// under the id it has in its example file.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const EXAMPLES_DIR = path.join(ROOT, 'examples');

/** The endpoint of example 03's events node, the dashboard page it fills, and example 05's endpoint. */
export const CALLBACK_PATH = '/signalwire/conference-events';
export const EVENT_LOG_PATH = '/signalwire/conference-events/log';
/** Example 06's events node, and its dashboard page. */
export const MODERATOR_PATH = '/signalwire/conference-events/moderator';
export const MODERATOR_DASHBOARD_PATH = '/dashboard/moderator';
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
 * the label, its comment as the tab's info), and the shared config nodes (SignalWire space,
 * dashboard base/theme/page/group) kept once. The SignalWire config node keeps its fields empty,
 * so the SIGNALWIRE_* environment is used.
 *
 * Every node keeps the id it has in its example file, and a tab made for an example gets the id
 * its nodes' `z` names. So when a user imports an example into the running demo, Node-RED finds
 * the example's nodes already there: it offers to cancel, and an "Import copy" reuses the existing
 * config nodes (the same SignalWire space, the same dashboard page) instead of adding a second
 * config node and a second dashboard page on the same URL. Only where two examples collide is an
 * id rewritten; `warn` is told each time, because importing that example would then duplicate.
 */
export function combineExamples(examples: Example[], warn: (message: string) => void = () => undefined): FlowNode[] {
  const out: FlowNode[] = [];
  const used = new Set<string>(); // ids in the output
  const shared = new Map<string, string>(); // shared key -> id in the output
  for (const ex of examples) {
    const byId = new Map(ex.nodes.map((n) => [n.id, n]));
    const ids = new Map<string, string>(); // id in the file -> id in the output
    const own = (id: string): string => {
      if (!used.has(id)) return id;
      const renamed = newId(ex.file, id);
      warn(`${ex.file}: id ${id} is used by another example too; deployed as ${renamed}, so importing this example into the demo adds a copy`);
      return renamed;
    };
    const tabs = ex.nodes.filter((n) => n.type === 'tab');
    // Where the file has no tab, one is made under the id its flow nodes' z names.
    const missingZ = [...new Set(ex.nodes.flatMap((n) => (typeof n.z === 'string' && !byId.has(n.z) ? [n.z] : [])))];
    let madeTab: FlowNode | null = null;
    if (tabs.length === 0) {
      const tabId = own(missingZ[0] ?? newId(ex.file, 'tab'));
      for (const z of missingZ) ids.set(z, tabId);
      const info = ex.nodes.find((n) => n.type === 'comment' && typeof n.info === 'string');
      madeTab = { id: tabId, type: 'tab', label: ex.title, disabled: false, info: (info?.info as string) ?? '', env: [] };
    }
    const skip = new Set<FlowNode>(); // shared config nodes already in the output
    for (const n of ex.nodes) {
      const key = isConfigNode(n) ? sharedKey(n, byId) : null;
      const have = key ? shared.get(key) : undefined;
      if (have !== undefined) {
        ids.set(n.id, have);
        skip.add(n);
        if (have !== n.id) {
          warn(`${ex.file}: ${n.type} ${n.id} is the same as ${have} of another example but has another id; give it ${have}, or importing this example into the demo adds a second one`);
        }
        continue;
      }
      const id = own(n.id);
      ids.set(n.id, id);
      if (key) shared.set(key, id);
    }
    for (const id of ids.values()) used.add(id);
    if (madeTab) out.push(madeTab);
    for (const n of ex.nodes) {
      if (skip.has(n)) continue;
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
