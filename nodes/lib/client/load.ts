// The REST client module, loaded when the first space needs it. axios is most of this package's
// load time (70 to 90 ms of about 90 on a 2-core machine), and Node-RED loads every installed
// package when it starts, used in a flow or not.
import type * as ClientModule from './client';

export function clientClass(): typeof ClientModule.SignalWireClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./client') as typeof ClientModule).SignalWireClient;
}
