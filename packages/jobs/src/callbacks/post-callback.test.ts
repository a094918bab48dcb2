import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { CallbackDeliveryError } from '../errors/callback-delivery-error';
import { postCallback } from './post-callback';

interface Seen {
  host?: string;
  path?: string;
  body: string;
  headers: http.IncomingHttpHeaders;
}

describe('postCallback', () => {
  let server: http.Server;
  let port: number;
  const seen: Seen[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push({ host: req.headers.host, path: req.url, body, headers: req.headers });
        if (req.url === '/redirect') res.writeHead(302, { location: '/ok' }).end();
        else if (req.url === '/fail') res.writeHead(503).end('down for maintenance');
        else if (req.url === '/hang')
          return; // never answers
        else res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => (seen.length = 0));

  const post = (path: string, host = 'receiver.invalid', timeoutMs = 2000) =>
    postCallback({
      url: new URL(`http://${host}:${port}${path}`),
      target: { address: '127.0.0.1', family: 4 },
      body: '{"a":1}',
      headers: { 'Content-Type': 'application/json', 'X-Test': 'yes' },
      timeoutMs,
    });

  it('connects to the checked address only, keeping the name for the Host header', async () => {
    // receiver.invalid resolves nowhere: the request can only have gone to the pinned address.
    await expect(post('/hook?x=1')).resolves.toBe(204);
    expect(seen).toEqual([
      expect.objectContaining({
        host: `receiver.invalid:${port}`,
        path: '/hook?x=1',
        body: '{"a":1}',
      }),
    ]);
    expect(seen[0].headers).toMatchObject({ 'content-type': 'application/json', 'x-test': 'yes' });
  });

  it('fails on a redirect, without following it', async () => {
    const err = await post('/redirect').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallbackDeliveryError);
    expect((err as Error).message).toBe('HTTP 302 Found (redirects are not followed)');
    expect(seen.map((s) => s.path)).toEqual(['/redirect']);
  });

  it("fails on a non-2xx, keeping the status but never the receiver's words", async () => {
    await expect(post('/fail')).rejects.toThrow(/^HTTP 503 Service Unavailable$/);
  });

  it('gives up on a receiver that does not answer in time', async () => {
    await expect(post('/hang', 'receiver.invalid', 300)).rejects.toThrow(/no answer within 300 ms/);
  });

  it('fails on a refused connection, naming the error', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(
      postCallback({
        url: new URL(`http://receiver.invalid:${closedPort}/`),
        target: { address: '127.0.0.1', family: 4 },
        body: '{}',
        headers: {},
        timeoutMs: 2000,
      }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });

  // A certificate made for the test (where openssl is there to make one).
  const itWithOpenssl = spawnSync('openssl', ['version']).status === 0 ? it : it.skip;
  itWithOpenssl(
    'keeps TLS checking the name over the pinned address: SNI is the name, a bad certificate fails',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callback-tls-'));
      const pem = (name: string) => path.join(dir, name);
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '2',
          '-subj',
          '/CN=receiver.test',
        ]
          .concat(['-addext', 'subjectAltName=DNS:receiver.test'])
          .concat(['-keyout', pem('key.pem'), '-out', pem('cert.pem')]),
        { stdio: 'ignore' },
      );
      const serverNames: string[] = [];
      const tls = https.createServer(
        {
          key: fs.readFileSync(pem('key.pem')),
          cert: fs.readFileSync(pem('cert.pem')),
          // Told the name the client asked for; the default certificate serves it.
          SNICallback: (name, done) => {
            serverNames.push(name);
            done(null, undefined);
          },
        },
        (_req, res) => res.writeHead(200).end(),
      );
      tls.on('tlsClientError', () => undefined);
      await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
      try {
        const tlsPort = (tls.address() as AddressInfo).port;
        // receiver.test resolves nowhere: only the pinned address can have been reached.
        const err = await postCallback({
          url: new URL(`https://receiver.test:${tlsPort}/hook`),
          target: { address: '127.0.0.1', family: 4 },
          body: '{}',
          headers: {},
          timeoutMs: 5000,
        }).catch((e: unknown) => e);
        expect(serverNames).toEqual(['receiver.test']);
        // The certificate is checked (no CA vouches for this one): pinning turns nothing off.
        expect(err).toBeInstanceOf(CallbackDeliveryError);
        expect((err as Error).message).toMatch(/SELF_SIGNED|self[- ]signed/i);
      } finally {
        tls.closeAllConnections();
        await new Promise((r) => tls.close(r));
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
