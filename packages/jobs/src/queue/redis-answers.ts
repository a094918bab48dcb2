import net from 'node:net';

/** True when something at host:port answers a Redis PING within the time given. */
export function redisAnswers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) =>
      done(d.toString().startsWith('+PONG') || d.toString().startsWith('-NOAUTH')),
    );
  });
}
