'use strict';
/**
 * A TCP proxy on loopback that holds every chunk for LAG ms in each direction (order kept): a
 * server one network hop away, for counting what a command's round trips cost.
 *
 *   node bench/migrate/lag-proxy.cjs LISTEN_PORT TARGET_PORT LAG_MS
 */
const net = require('node:net');

const [listen, target, lag] = process.argv.slice(2).map(Number);
if (!(listen > 0 && target > 0 && lag >= 0)) {
  process.stderr.write('usage: node bench/migrate/lag-proxy.cjs LISTEN_PORT TARGET_PORT LAG_MS\n');
  process.exit(2);
}
net
  .createServer((client) => {
    const server = net.connect(target, '127.0.0.1');
    const pipe = (from, to) => {
      from.on('data', (d) => setTimeout(() => to.write(d), lag));
      from.on('end', () => setTimeout(() => to.end(), lag));
      from.on('error', () => to.destroy());
    };
    pipe(client, server);
    pipe(server, client);
  })
  .listen(listen, '127.0.0.1', () => process.stdout.write('ready\n'));
