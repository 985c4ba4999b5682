import { SignalWireError } from './errors';

export function abortError(): SignalWireError {
  return new SignalWireError('aborted', 'SignalWire request aborted: the node was closed');
}

export function isAbort(err: unknown): boolean {
  return err instanceof SignalWireError && err.kind === 'aborted';
}
