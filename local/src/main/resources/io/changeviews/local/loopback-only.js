// Preloaded into the Kinesis emulator's node process (node --require): kinesis-mock has no bind
// option and listens on every interface, so every TCP server this process opens on a port is bound
// to the loopback address instead, whatever host it asked for. Listening on a handle, a file
// descriptor or a Unix socket path is left as it is (kinesis-mock does none of these).
'use strict';
const net = require('net');

const LOOPBACK = '127.0.0.1';
const listen = net.Server.prototype.listen;

function isPort(value) {
  return typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value));
}

net.Server.prototype.listen = function (...args) {
  const first = args[0];
  if (args.length === 0 || typeof first === 'function' || first === null || first === undefined) {
    // listen([callback]): a random port on every interface.
    args.splice(0, first === null || first === undefined ? 1 : 0, 0, LOOPBACK);
  } else if (isPort(first)) {
    // listen(port[, host][, backlog][, callback])
    if (typeof args[1] === 'string' || args[1] === null || args[1] === undefined) {
      args[1] = LOOPBACK;
    } else {
      args.splice(1, 0, LOOPBACK);
    }
  } else if (Object.getPrototypeOf(first) === Object.prototype &&
      first.path === undefined && first.fd === undefined && first.handle === undefined &&
      first._handle === undefined) {
    // listen(options[, callback])
    args[0] = Object.assign({}, first, { host: LOOPBACK });
  }
  return listen.apply(this, args);
};
