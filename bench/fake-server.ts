// The fake SignalWire space in a process of its own, so that on a 2-core machine the server
// and the client under test each get a core and the server's work is never billed to a client.
// Controlled by the bench's parent process over IPC.
import { FakeSpace } from '../simulator/api/fake-space';
import { parseCallRoute, parseRoute } from '../simulator/api/fake-space';
import { dropCallbacks, postCallbacks, prepareCallbacks } from './lib/callbacks';
import type { FakeCommand, RequestCounts } from './lib/ipc';
import { rosterCommand } from './lib/roster-space';

const space = new FakeSpace();
// The request log is only kept where a section counts requests (listing, burst).
space.recordRequests = false;
space.maxRecordedRequests = 10_000_000;

async function handle(cmd: FakeCommand): Promise<unknown> {
  switch (cmd.op) {
    case 'info':
      return { url: space.url, projectId: space.projectId, apiToken: space.apiToken };
    case 'conference': {
      const sid = space.addConference();
      space.addParticipants(sid, cmd.participants);
      return { sid, callSids: space.participants(sid).slice(0, cmd.sample ?? 0).map((p) => p.call_sid) };
    }
    case 'latency':
      space.latencyMs = cmd.ms;
      return null;
    case 'record':
      space.recordRequests = cmd.on;
      return null;
    case 'reset':
      space.resetStats();
      return null;
    case 'stats':
      return { requests: space.requests.length, maxInFlight: space.maxInFlight, inFlight: space.inFlight, connections: space.totalConnections };
    case 'memory':
      return process.memoryUsage();
    case 'prepare-callbacks':
      return prepareCallbacks(space, cmd);
    case 'post-callbacks':
      return postCallbacks(cmd);
    case 'drop-callbacks':
      dropCallbacks(cmd.batch);
      return null;
    case 'request-counts': {
      const c: RequestCounts = { list: 0, calls: 0, other: 0, maxInFlight: space.maxInFlight };
      for (const r of space.requests) {
        if (r.method === 'GET' && parseCallRoute(r.path)) c.calls++;
        else if (r.method === 'GET' && parseRoute(r.path)?.callSid === null) c.list++;
        else c.other++;
      }
      return c;
    }
    case 'roster':
      return rosterCommand(cmd);
    default:
      throw new Error(`unknown op ${(cmd as { op: string }).op}`);
  }
}

process.on('message', (m: { id: number; cmd: FakeCommand }) => {
  handle(m.cmd).then(
    (result) => process.send!({ id: m.id, result }),
    (err: Error) => process.send!({ id: m.id, error: err.message }),
  );
});
process.on('disconnect', () => {
  void space.close().then(() => process.exit(0));
});

space.start().then(
  () => process.send!({ ready: true }),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
