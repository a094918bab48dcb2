import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** What each kind of certificate may be used for (Go's TLS, the engine's, checks this). */
const EXTENSIONS = `
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = $ENV::JR_SAN
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
`;

/**
 * A certificate authority of a test's own, made with the `openssl` CLI in `dir`: it issues an
 * engine's server certificate (for an IP address) and clients' certificates. `issueClient`
 * writes a directory laid out as DOCKER_CERT_PATH expects it (ca.pem, cert.pem, key.pem).
 * Keys are P-256 (quick to make); everything is valid for two days.
 */
export class TestCa {
  /** The CA's certificate: what a client trusts (ca.pem). */
  readonly certFile: string;
  private readonly keyFile: string;
  private readonly config: string;
  private serial = 0;

  constructor(
    readonly dir: string,
    name = 'job-runner test CA',
  ) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.config = path.join(dir, 'openssl.cnf');
    fs.writeFileSync(this.config, EXTENSIONS);
    this.certFile = path.join(dir, 'ca.pem');
    this.keyFile = path.join(dir, 'ca-key.pem');
    this.newKey(this.keyFile);
    this.openssl([
      ...['req', '-new', '-x509', '-key', this.keyFile, '-out', this.certFile, '-days', '2'],
      ...['-subj', `/CN=${name}`, '-config', this.config, '-extensions', 'ca'],
    ]);
  }

  /** A server certificate for `ip` (its subjectAltName): `{ cert, key }` file paths in `dir`. */
  issueServer(dir: string, ip: string): { cert: string; key: string } {
    return this.issue(dir, 'server', `/CN=${ip}`, ip);
  }

  /**
   * A client's DOCKER_CERT_PATH in `dir`: its certificate and key, and `trust` as ca.pem (by
   * default this CA; another CA's certificate makes a client that trusts the wrong CA).
   */
  issueClient(dir: string, trust = this.certFile): string {
    this.issue(dir, 'client', '/CN=job-runner worker');
    fs.copyFileSync(trust, path.join(dir, 'ca.pem'));
    return dir;
  }

  private issue(
    dir: string,
    kind: 'server' | 'client',
    subject: string,
    ip?: string,
  ): { cert: string; key: string } {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const key = path.join(dir, kind === 'server' ? 'server-key.pem' : 'key.pem');
    const cert = path.join(dir, kind === 'server' ? 'server-cert.pem' : 'cert.pem');
    const csr = path.join(dir, `${kind}.csr`);
    this.newKey(key);
    this.openssl([
      'req',
      '-new',
      '-key',
      key,
      '-out',
      csr,
      '-subj',
      subject,
      '-config',
      this.config,
    ]);
    this.openssl(
      [
        ...['x509', '-req', '-in', csr, '-CA', this.certFile, '-CAkey', this.keyFile],
        ...['-out', cert, '-days', '2', '-set_serial', String(++this.serial)],
        ...['-extfile', this.config, '-extensions', kind],
      ],
      ip,
    );
    fs.rmSync(csr);
    return { cert, key };
  }

  private newKey(file: string): void {
    this.openssl([
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-out',
      file,
    ]);
    fs.chmodSync(file, 0o600);
  }

  /** Runs openssl; `ip` is the subjectAltName of a server certificate (the config reads it). */
  private openssl(args: string[], ip = '127.0.0.1'): void {
    execFileSync('openssl', args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, JR_SAN: `IP:${ip}` },
    });
  }
}
