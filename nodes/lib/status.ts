import type { Node, NodeStatus } from 'node-red';
import type { SignalWireError } from './errors';

/**
 * The node's short status. Identical consecutive statuses are not re-sent: a busy node
 * would otherwise push two editor events per message.
 */
export class StatusReporter {
  private last = '';

  constructor(private readonly node: Node) {}

  requesting(): void {
    this.set({ fill: 'blue', shape: 'dot', text: 'requesting' });
  }

  succeeded(text: string): void {
    this.set({ fill: 'green', shape: 'dot', text });
  }

  failed(error: SignalWireError): void {
    this.set({ fill: 'red', shape: 'ring', text: error.shortReason });
  }

  clear(): void {
    this.set({});
  }

  private set(status: NodeStatus): void {
    const key = `${status.fill}|${status.shape}|${status.text}`;
    if (key === this.last) return;
    this.last = key;
    this.node.status(status);
  }
}

export function participantCount(n: number): string {
  return n === 1 ? '1 participant' : `${n} participants`;
}
