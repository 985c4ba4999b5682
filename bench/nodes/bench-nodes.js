// Two node types for the benchmark's embedded Node-RED: a source that puts a message into its
// flow (through the runtime's own send, like an inject node) and a sink that reports each
// message that reaches it. Both talk to the bench through globalThis.__swbench.
'use strict';

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

  RED.nodes.registerType('bench-source', BenchSource);
  RED.nodes.registerType('bench-sink', BenchSink);
};
