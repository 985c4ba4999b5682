// Two node types for the benchmark's embedded Node-RED: a source that puts a message into its
// flow (through the runtime's own send, like an inject node) and a sink that reports each
// message that reaches it. Both talk to the bench through globalThis.__swbench.
'use strict';

const http = require('node:http');
const axios = require('axios');

module.exports = function (RED) {
  function hooks() {
    if (!globalThis.__swbench) globalThis.__swbench = { sources: new Map(), onSink: null };
    return globalThis.__swbench;
  }

  function BenchSource(config) {
    RED.nodes.createNode(this, config);
    const node = this;
    hooks().sources.set(node.id, (msg) => node.send(msg));
    node.on('close', () => hooks().sources.delete(node.id));
  }

  function BenchSink(config) {
    RED.nodes.createNode(this, config);
    const node = this;
    const failed = config.failed === true;
    node.on('input', (msg, send, done) => {
      const h = hooks();
      if (h.onSink) h.onSink(node.id, msg, failed);
      done();
    });
  }

  // The floor of a callback receiver inside Node-RED: a route on RED.httpNode (the same server,
  // express app and routing as the http in node and the events node) that reads the body,
  // answers 204 and sends the raw body on; no parsing, no signature, nothing else.
  function BenchHttpFloor(config) {
    RED.nodes.createNode(this, config);
    const node = this;
    const path = config.url;
    const handler = (req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(204);
        res.end();
        node.send({ payload: Buffer.concat(chunks).toString('utf8') });
      });
    };
    RED.httpNode.post(path, handler);
    node.on('close', () => {
      const router = RED.httpNode._router;
      if (!router) return;
      router.stack = router.stack.filter((l) => !(l.route && l.route.stack.some((s) => s.handle === handler)));
    });
  }

  // The floor of a request node (issue 15): the least a custom node in this runtime can do to
  // answer a get participant message, a bare keep-alive axios GET whose answer goes out as
  // msg.payload. No checks, no retries, no limits, no deadline, no status, no redaction.
  function BenchMinimalGet(config) {
    RED.nodes.createNode(this, config);
    const node = this;
    const agent = new http.Agent({ keepAlive: true });
    const client = axios.create({
      baseURL: config.baseUrl,
      auth: { username: config.user, password: config.password },
      httpAgent: agent,
      maxRedirects: 0,
    });
    const prefix = config.accountPath;
    node.on('input', (msg, send, done) => {
      client.get(`${prefix}/Conferences/${msg.conferenceSid}/Participants/${msg.callSid}`).then(
        (res) => {
          msg.payload = res.data;
          send(msg);
          done();
        },
        (err) => done(err),
      );
    });
    node.on('close', () => agent.destroy());
  }

  RED.nodes.registerType('bench-source', BenchSource);
  RED.nodes.registerType('bench-minimal-get', BenchMinimalGet);
  RED.nodes.registerType('bench-http-floor', BenchHttpFloor);
  RED.nodes.registerType('bench-sink', BenchSink);
};
