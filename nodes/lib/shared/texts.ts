import type { NodeAPI } from 'node-red';
import { PACKAGE } from './package-info';

export type Vars = Record<string, string | number>;
/** Looks up a key of the package's runtime catalogue. */
export type Translate = (key: string, vars?: Vars) => string;


/**
 * Every text the runtime shows (errors, statuses, log lines) lives once, in the config node's
 * catalogue `locales/<lang>/signalwire-space.json`, which Node-RED loads for every node of the
 * package under this namespace; each node reads it with the runtime's own i18n (`RED._`).
 */
const CATALOGUE = `${PACKAGE.name}/signalwire-space`;

let lookup: Translate | undefined;

/** Called by each node module with its RED: the runtime's i18n, in the runtime's language. */
export function useCatalogue(RED: NodeAPI): void {
  lookup = (key, vars) => RED._(`${CATALOGUE}:signalwire-space.${key}`, vars);
}

/** The text of `key` (e.g. `errors.timeout`); before any node module loaded, the key itself. */
export const text: Translate = (key, vars) => (lookup ? lookup(key, vars) : key);
