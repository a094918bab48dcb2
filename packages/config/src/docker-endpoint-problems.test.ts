import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const load = (env: Record<string, string>) => loadConfig(env, { dotenvDir: null });
const problemsOf = (env: Record<string, string>): string[] => {
  try {
    load(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('the Docker engine settings', () => {
  let certs: string;
  beforeEach(() => {
    certs = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-certs-'));
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) fs.writeFileSync(path.join(certs, f), PEM);
  });
  afterEach(() => fs.rmSync(certs, { recursive: true, force: true }));
  const tls = (more: Record<string, string> = {}) => ({
    DOCKER_HOST: 'tcp://10.0.0.5:2376',
    DOCKER_TLS_VERIFY: '1',
    DOCKER_CERT_PATH: certs,
    ...more,
  });

  it('default to the local socket without TLS, and certificates in ~/.docker', () => {
    expect(load({}).docker).toEqual({
      host: '',
      tlsVerify: false,
      certPath: path.join(os.homedir(), '.docker'),
    });
  });

  it('take a unix socket, plain TCP, or TCP with TLS and a certificate directory', () => {
    expect(load({ DOCKER_HOST: 'unix:///run/user/docker.sock' }).docker.host).toBe(
      'unix:///run/user/docker.sock',
    );
    expect(load({ DOCKER_HOST: 'tcp://build-1:2375' }).docker).toMatchObject({
      host: 'tcp://build-1:2375',
      tlsVerify: false,
    });
    expect(load(tls()).docker).toEqual({
      host: 'tcp://10.0.0.5:2376',
      tlsVerify: true,
      certPath: certs,
    });
  });

  it('refuse an address that is neither unix:// nor tcp://, naming DOCKER_HOST', () => {
    for (const host of ['/var/run/docker.sock', 'ssh://me@box', 'http://box:2375', 'tcp://'])
      expect(problemsOf({ DOCKER_HOST: host })).toEqual([
        `DOCKER_HOST: must be unix:///path/to/docker.sock or tcp://host:port (got "${host}")`,
      ]);
  });

  it('refuse TLS without a tcp:// host, naming DOCKER_TLS_VERIFY', () => {
    expect(problemsOf(tls({ DOCKER_HOST: 'unix:///var/run/docker.sock' }))).toEqual([
      'DOCKER_TLS_VERIFY: TLS needs a tcp://host:port DOCKER_HOST (got DOCKER_HOST="unix:///var/run/docker.sock")',
    ]);
    expect(problemsOf({ DOCKER_TLS_VERIFY: '1' })).toHaveLength(1);
  });

  it('name each certificate file TLS needs that cannot be read, or is no PEM', () => {
    fs.rmSync(path.join(certs, 'key.pem'));
    fs.writeFileSync(path.join(certs, 'ca.pem'), 'not a certificate');
    expect(problemsOf(tls())).toEqual([
      `DOCKER_CERT_PATH: ${path.join(certs, 'ca.pem')} is not a PEM file`,
      `DOCKER_CERT_PATH: cannot read ${path.join(certs, 'key.pem')} (ENOENT), which TLS to the engine needs`,
    ]);
    expect(problemsOf(tls({ DOCKER_CERT_PATH: path.join(certs, 'nowhere') }))).toHaveLength(3);
  });

  it('check no certificate without TLS, nor anything without Docker', () => {
    const nowhere = path.join(certs, 'nowhere');
    expect(problemsOf({ DOCKER_HOST: 'tcp://box:2375', DOCKER_CERT_PATH: nowhere })).toEqual([]);
    expect(problemsOf(tls({ DOCKER_CERT_PATH: nowhere, USE_DOCKER: '0' }))).toEqual([]);
  });
});
