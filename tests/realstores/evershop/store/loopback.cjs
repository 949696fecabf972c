// Preloaded into the store's node processes (NODE_OPTIONS=--require): EverShop listens with
// server.listen(port), on every interface; this makes a listen without a host listen on
// 127.0.0.1 only, so the test store is never reachable from outside the machine.
const net = require('net');

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  if (typeof args[0] === 'number' && typeof args[1] !== 'string') {
    args.splice(1, 0, '127.0.0.1');
  }
  return listen.apply(this, args);
};
