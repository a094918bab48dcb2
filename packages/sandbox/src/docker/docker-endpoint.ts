/**
 * Where a Docker engine is and how to reach it, in the terms of the Docker CLI's variables
 * (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH), so that an operator's working `docker`
 * settings work here unchanged.
 */
export interface DockerEndpoint {
  /** `unix:///path/docker.sock` or `tcp://host:port`; empty: /var/run/docker.sock. */
  host?: string;
  /**
   * HTTPS to a `tcp://` host: the engine's certificate is checked against ca.pem and ours
   * (cert.pem, key.pem) is presented, as `docker --tlsverify` does.
   */
  tlsVerify?: boolean;
  /** Directory of ca.pem, cert.pem and key.pem; empty: ~/.docker, as for the CLI. */
  certPath?: string;
}

/** The local engine's socket, where DOCKER_HOST is empty. */
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/** The engine's API ports by convention: 2376 with TLS, 2375 (root for anyone) without. */
export const DOCKER_TLS_PORT = 2376;
export const DOCKER_PLAIN_PORT = 2375;

/** The files DOCKER_CERT_PATH holds: the CA that signs the engine's certificate, ours, our key. */
export const DOCKER_CERT_FILES = {
  ca: 'ca.pem',
  cert: 'cert.pem',
  key: 'key.pem',
} as const;

/** True when the engine is reached over the network (its host may be another machine). */
export function isTcpEndpoint(endpoint: DockerEndpoint | undefined): boolean {
  return (endpoint?.host ?? '').startsWith('tcp://');
}
