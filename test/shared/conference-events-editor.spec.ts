// The conference events dialog validates with the runtime's rules and says the runtime's
// sentence: the same values go through the dialog's validators (the node HTML and the shared
// resources/ scripts, run as the editor runs them) and through the runtime's settings check.
import assert from 'node:assert/strict';
import type * as SettingsModule from '../../nodes/lib/callbacks/settings';
import type * as TextsModule from '../../nodes/lib/shared/texts';
import { translatorFor } from '../support/catalogues';
import { loadEditor } from '../support/editor-sandbox';

/* eslint-disable @typescript-eslint/no-require-imports */
const { eventsSettings }: typeof SettingsModule = require('../../dist/nodes/lib/callbacks/settings.js');
// The built runtime's texts with the real catalogue, as a node module sets them up.
const { useCatalogue }: typeof TextsModule = require('../../dist/nodes/lib/shared/texts.js');
/* eslint-enable @typescript-eslint/no-require-imports */

const TYPE = 'signalwire-conference-events';

/** What the runtime says of a setting: true, or its error message. */
function runtime(config: SettingsModule.ConferenceEventsConfig): true | string {
  try {
    eventsSettings(config);
    return true;
  } catch (err) {
    return (err as Error).message;
  }
}

const TABLE: Array<{ field: 'url' | 'publicUrl' | 'events' | 'coalesce'; values: unknown[] }> = [
  { field: 'url', values: ['', '/signalwire/conference-events', 'hooks/sw', '/a.b/c_d-e~/', '/a/:id', '/a/*', '/a?b=1', '/a b', '/a/../b', '/%2e', '//a', `/${'x'.repeat(300)}`] },
  { field: 'publicUrl', values: ['', 'https://hooks.example.com/cb', 'http://127.0.0.1:1880/cb?x=1', 'https://Example.com:443/cb', 'example.com/cb', 'ftp://example.com/cb', 'https://example.com/cb#x', 'https:///cb', 'https://u:p@example.com/cb', 'https://exa mple.com/'] },
  { field: 'events', values: [[], ['participant-join'], ['conference-start', 'participant-speech-stop'], ['participant-jion'], ['participant-join', 'x'], [7]] },
  { field: 'coalesce', values: ['', '0', '1000', '3600000', '3600001', '-1', '1.5', 'abc', 1000, 0] },
];

describe('conference events dialog', () => {
  const definitions = loadEditor();
  const def = definitions.get(TYPE)!;

  before(() => {
    useCatalogue({ _: translatorFor('signalwire-space') } as never);
  });

  it('is an input node with two outputs in the SignalWire category, defaults as the runtime has them', () => {
    assert.equal(def.inputs, 0);
    assert.equal(def.outputs, 2);
    assert.equal(def.category, 'SignalWire');
    // Through JSON: the sandbox's arrays are of another realm.
    const values = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(def.defaults).map(([k, d]) => [k, d.value]))));
    assert.deepEqual(values, { name: '', space: '', url: '/signalwire/conference-events', publicUrl: '', verify: true, events: [], coalesce: 1000 });
    const runtimeDefaults = eventsSettings({});
    assert.deepEqual(runtimeDefaults, { path: values.url, publicUrl: undefined, verify: true, events: [], coalesceMs: values.coalesce });
  });

  for (const { field, values } of TABLE) {
    it(`${field}: the dialog and the runtime agree on ${values.length} values, in the same words`, () => {
      const validate = def.defaults[field].validate!;
      let refused = 0;
      for (const v of values) {
        const editor = validate.call({}, v, {});
        const expected = runtime({ [field]: v });
        assert.deepEqual(editor, expected, `${field} = ${JSON.stringify(v)}`);
        if (expected !== true) refused++;
      }
      assert.ok(refused > 0 && refused < values.length, 'the table has good and bad values');
    });
  }
});
