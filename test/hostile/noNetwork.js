/**
 * Preload that forbids the network: every way Node opens a connection, resolves a name or
 * sends a datagram is replaced by a function that records the attempt and throws.
 *
 *   LW_NETWORK_LOG=/tmp/net.jsonl node --require test/hostile/noNetwork.js dist/cli.js ...
 *
 * Each process (and worker thread) that loads it appends {"event":"installed"} to the log;
 * each attempt appends {"event":"attempt","api":...,"stack":...}. Stdio pipes and the node
 * IPC channel are not connections made by the program (their handles are given to it), so
 * they keep working.
 */
'use strict';
const fs = require('node:fs');
const { threadId } = require('node:worker_threads');

const LOG = process.env.LW_NETWORK_LOG;

function record(entry) {
  if (!LOG) return;
  try {
    fs.appendFileSync(LOG, JSON.stringify({ pid: process.pid, thread: threadId, ...entry }) + '\n');
  } catch {
    // the log is a test aid; never let it change the program's behaviour
  }
}

function forbid(object, name, api) {
  const original = object && object[name];
  if (typeof original !== 'function') return;
  object[name] = function forbidden(...args) {
    const target = args
      .slice(0, 2)
      .map((a) => (typeof a === 'object' && a !== null ? JSON.stringify(a, (k, v) => (typeof v === 'function' ? undefined : v)) : String(a)))
      .join(' ')
      .slice(0, 300);
    record({ event: 'attempt', api, target, stack: (new Error().stack || '').split('\n').slice(2, 8).join('\n') });
    throw new Error(`network access forbidden in this test: ${api}(${target})`);
  };
}

const net = require('node:net');
forbid(net.Socket.prototype, 'connect', 'net.Socket#connect');
forbid(net, 'connect', 'net.connect');
forbid(net, 'createConnection', 'net.createConnection');

const tls = require('node:tls');
forbid(tls, 'connect', 'tls.connect');

const dgram = require('node:dgram');
forbid(dgram, 'createSocket', 'dgram.createSocket');
forbid(dgram.Socket.prototype, 'send', 'dgram.Socket#send');
forbid(dgram.Socket.prototype, 'bind', 'dgram.Socket#bind');

for (const mod of ['node:http', 'node:https']) {
  const m = require(mod);
  forbid(m, 'request', `${mod.slice(5)}.request`);
  forbid(m, 'get', `${mod.slice(5)}.get`);
}
forbid(require('node:http2'), 'connect', 'http2.connect');

const dns = require('node:dns');
for (const name of ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveMx', 'resolveNs', 'resolveTxt', 'resolveSrv', 'reverse']) {
  forbid(dns, name, `dns.${name}`);
  forbid(dns.promises, name, `dns.promises.${name}`);
}
forbid(dns.Resolver && dns.Resolver.prototype, 'resolve', 'dns.Resolver#resolve');

if (typeof globalThis.fetch === 'function') forbid(globalThis, 'fetch', 'fetch');
if (typeof globalThis.WebSocket === 'function') forbid(globalThis, 'WebSocket', 'WebSocket');

record({ event: 'installed', argv: process.argv.slice(1, 3) });
