// The runtime's i18n with this package's real catalogues, for tests. The test helper's RED._
// returns keys unchanged; these tests read every text from locales/, as Node-RED does.
import path from 'node:path';
import { PACKAGE } from '../../nodes/lib/shared/package-info';
import { useCatalogue } from '../../nodes/lib/shared/texts';

const nodeRed = require.resolve(process.env.NODE_RED_PATH ?? 'node-red');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { i18n } = require(require.resolve('@node-red/util', { paths: [path.dirname(nodeRed)] })) as {
  i18n: {
    init(settings: object): void;
    registerMessageCatalog(ns: string, dir: string, file: string): Promise<void>;
    _(key: string, vars?: object): string;
    i: { changeLanguage(lang: string): Promise<unknown> };
  };
};

/** The node sets of package.json, each with its catalogue namespace as Node-RED names it. */
export const NODE_SETS = ['signalwire-space', 'signalwire-list-participants', 'signalwire-get-participant', 'signalwire-list-conferences', 'signalwire-get-conference', 'signalwire-conference-events', 'signalwire-update-participant', 'signalwire-update-conference', 'signalwire-conference-roster'];
const LOCALES = path.join(__dirname, '../../dist/nodes/locales');

i18n.init({ lang: 'en-US' });
const ready = Promise.all(NODE_SETS.map((set) => i18n.registerMessageCatalog(`${PACKAGE.name}/${set}`, LOCALES, `${set}.json`)));

/** Waits until the catalogues are loaded, and gives the sources' texts module the real lookup. */
export async function cataloguesReady(): Promise<void> {
  await ready;
  useCatalogue({ _: (key: string, vars?: object) => i18n._(key, vars) } as never);
}

/** Switches the runtime language, as Node-RED's `lang` setting would (await it). */
export function useLanguage(lang: string): Promise<unknown> {
  return i18n.i.changeLanguage(lang);
}

/** RED._ as the runtime gives it to a node set: keys without a namespace are the set's own. */
export function translatorFor(set: string) {
  return (key: string, vars?: object) => i18n._(key.includes(':') ? key : `${PACKAGE.name}/${set}:${key}`, vars);
}

/** A node module whose RED._ is the real i18n, as in a running Node-RED. */
export function withCatalogue<T extends (red: object) => unknown>(module: T, set: string): T {
  return ((red: object) => {
    const r = Object.create(red) as { _: unknown };
    r._ = translatorFor(set);
    return module(r);
  }) as T;
}
