import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dockerClient } from './docker-client';
import { dockerClientOptions } from './docker-client-options';

describe('dockerClientOptions', () => {
  let certs: string;
  beforeAll(() => {
    certs = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-certs-'));
    for (const f of ['ca', 'cert', 'key']) fs.writeFileSync(path.join(certs, `${f}.pem`), f);
  });
  afterAll(() => fs.rmSync(certs, { recursive: true, force: true }));

  it('reaches the local socket by default, or the unix socket named', () => {
    expect(dockerClientOptions()).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(dockerClientOptions({ host: '' })).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(dockerClientOptions({ host: 'unix:///run/docker.sock' })).toEqual({
      socketPath: '/run/docker.sock',
    });
  });

  it('speaks plain HTTP to a tcp:// host, on 2375 unless told', () => {
    expect(dockerClientOptions({ host: 'tcp://box:2375' })).toEqual({
      host: 'box',
      port: 2375,
      protocol: 'http',
    });
    expect(dockerClientOptions({ host: 'tcp://box' }).port).toBe(2375);
    expect(dockerClientOptions({ host: 'tcp://[fd00::5]:4243' })).toMatchObject({
      host: 'fd00::5',
      port: 4243,
    });
  });

  it('speaks HTTPS with TLS, on 2376 unless told, with ca.pem, cert.pem and key.pem', () => {
    const opts = dockerClientOptions({ host: 'tcp://10.1.2.3', tlsVerify: true, certPath: certs });
    expect(opts).toMatchObject({ host: '10.1.2.3', port: 2376, protocol: 'https' });
    expect([opts.ca, opts.cert, opts.key].map(String)).toEqual(['ca', 'cert', 'key']);
  });

  it('names the variable and the file when a certificate cannot be read', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-certs-'));
    fs.writeFileSync(path.join(dir, 'ca.pem'), 'ca');
    expect(() =>
      dockerClientOptions({ host: 'tcp://box:2376', tlsVerify: true, certPath: dir }),
    ).toThrow(
      `DOCKER_CERT_PATH: cannot read ${path.join(dir, 'cert.pem')}, needed for TLS to the Docker engine (ENOENT)`,
    );
    fs.rmSync(dir, { recursive: true });
  });

  it('refuses TLS to a socket, and addresses it cannot reach', () => {
    expect(() => dockerClientOptions({ tlsVerify: true, certPath: certs })).toThrow(
      /^DOCKER_TLS_VERIFY: TLS needs a tcp:\/\/host:port DOCKER_HOST/,
    );
    for (const host of ['ssh://me@box', 'box:2375', 'tcp://box:2375/v1.41'])
      expect(() => dockerClientOptions({ host })).toThrow(/^DOCKER_HOST: /);
  });

  it("is never steered by this process's own DOCKER_* variables", () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      DOCKER_HOST: 'tcp://elsewhere:2376',
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: certs,
    });
    try {
      const modem = (d: ReturnType<typeof dockerClient>) =>
        d.modem as { socketPath?: string; host?: string; protocol?: string; ca?: unknown };
      expect(modem(dockerClient('unix:///run/docker.sock'))).toMatchObject({
        socketPath: '/run/docker.sock',
        host: undefined,
      });
      expect(modem(dockerClient({ host: 'tcp://box:2375' }))).toMatchObject({
        host: 'box',
        protocol: 'http',
        ca: undefined,
      });
    } finally {
      process.env = saved;
    }
  });
});
