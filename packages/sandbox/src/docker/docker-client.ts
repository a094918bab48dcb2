import Docker from 'dockerode';
import { dockerClientOptions } from './docker-client-options';
import type { DockerEndpoint } from './docker-endpoint';

/**
 * A dockerode client for an engine: a DockerEndpoint, or a bare DOCKER_HOST-style address
 * (`unix://…`, `tcp://…` in plain HTTP); nothing means the local socket.
 */
export function dockerClient(endpoint: DockerEndpoint | string = {}): Docker {
  const options = dockerClientOptions(typeof endpoint === 'string' ? { host: endpoint } : endpoint);
  return withoutDockerHostVariable(() => new Docker(options));
}

/**
 * docker-modem, as it is made, fills in from this process's own DOCKER_HOST, DOCKER_CERT_PATH
 * and DOCKER_TLS_VERIFY whatever the options leave out, and reads (and throws over) that
 * certificate directory even when the options name another engine: the client must reach the
 * engine it was given, and only it. Without DOCKER_HOST it reads none of them. Synchronous,
 * so no other code of this process sees the variable missing.
 */
function withoutDockerHostVariable<T>(make: () => T): T {
  const saved = process.env.DOCKER_HOST;
  delete process.env.DOCKER_HOST;
  try {
    return make();
  } finally {
    if (saved !== undefined) process.env.DOCKER_HOST = saved;
  }
}
