import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import {
  DEFAULT_DOCKER_SOCKET,
  DOCKER_CERT_FILES,
  DOCKER_PLAIN_PORT,
  DOCKER_TLS_PORT,
  type DockerEndpoint,
} from './docker-endpoint';

/**
 * dockerode's options for an engine: its unix socket, plain HTTP to a `tcp://` host, or HTTPS
 * with the engine's certificate checked against ca.pem and ours presented (DOCKER_TLS_VERIFY).
 * Throws an error naming the variable at fault when the address is not one of these or a
 * certificate file cannot be read.
 */
export function dockerClientOptions(endpoint: DockerEndpoint = {}): Docker.DockerOptions {
  const host = endpoint.host ?? '';
  if (endpoint.tlsVerify && !host.startsWith('tcp://'))
    throw new Error(
      `DOCKER_TLS_VERIFY: TLS needs a tcp://host:port DOCKER_HOST (got ${JSON.stringify(host)})`,
    );
  if (!host) return { socketPath: DEFAULT_DOCKER_SOCKET };
  if (host.startsWith('unix://'))
    return { socketPath: host.slice('unix://'.length) || DEFAULT_DOCKER_SOCKET };
  if (!host.startsWith('tcp://'))
    throw new Error(
      `DOCKER_HOST: expected unix:///path/to/docker.sock or tcp://host:port (got ${JSON.stringify(host)})`,
    );
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new Error(
      `DOCKER_HOST: not a valid tcp://host:port address (got ${JSON.stringify(host)})`,
    );
  }
  if (!url.hostname || (url.pathname !== '' && url.pathname !== '/'))
    throw new Error(
      `DOCKER_HOST: expected tcp://host:port, nothing more (got ${JSON.stringify(host)})`,
    );
  const address = {
    // An IPv6 literal keeps its brackets in a URL but not in a socket address.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(url.port || (endpoint.tlsVerify ? DOCKER_TLS_PORT : DOCKER_PLAIN_PORT)),
  };
  if (!endpoint.tlsVerify) return { ...address, protocol: 'http' };
  const dir = endpoint.certPath || path.join(os.homedir(), '.docker');
  const read = (file: string): Buffer => {
    const full = path.join(dir, file);
    try {
      return fs.readFileSync(full);
    } catch (err) {
      throw new Error(
        `DOCKER_CERT_PATH: cannot read ${full}, needed for TLS to the Docker engine (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      );
    }
  };
  return {
    ...address,
    protocol: 'https',
    ca: read(DOCKER_CERT_FILES.ca),
    cert: read(DOCKER_CERT_FILES.cert),
    key: read(DOCKER_CERT_FILES.key),
  };
}
