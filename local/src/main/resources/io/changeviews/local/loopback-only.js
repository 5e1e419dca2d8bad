// Preloaded into the Kinesis emulator's node process (node --require): kinesis-mock has no bind
// option and listens on every interface, so every server this process opens is bound to the
// loopback address instead, whatever host it asked for.
'use strict';
const net = require('net');

const LOOPBACK = '127.0.0.1';
const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function (...args) {
  const first = args[0];
  if (first !== null && typeof first === 'object') {
    args[0] = Object.assign({}, first, { host: LOOPBACK });
  } else if (typeof first === 'number' || /^\d+$/.test(String(first))) {
    // listen(port[, host][, backlog][, callback])
    if (typeof args[1] === 'string') {
      args[1] = LOOPBACK;
    } else {
      args.splice(1, 0, LOOPBACK);
    }
  }
  return listen.apply(this, args);
};
