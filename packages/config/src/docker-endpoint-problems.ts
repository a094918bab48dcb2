import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EnvValues } from './env-schema';

/** What DOCKER_CERT_PATH holds for DOCKER_TLS_VERIFY=1, named as the docker CLI names them. */
const CERT_FILES = ['ca.pem', 'cert.pem', 'key.pem'];

/** DOCKER_CERT_PATH as a full path: the docker CLI's ~/.docker when empty. */
export function dockerCertPath(value: string): string {
  return path.resolve(value || path.join(os.homedir(), '.docker'));
}

type DockerVariables = Pick<
  EnvValues,
  'USE_DOCKER' | 'DOCKER_HOST' | 'DOCKER_TLS_VERIFY' | 'DOCKER_CERT_PATH'
>;

/**
 * What is wrong with the way to the engine beyond each variable's own shape: TLS needs a
 * tcp:// host and certificate files this process can read. Checked when the configuration is
 * loaded, so a process exits naming the variable instead of failing its first engine call with
 * a bare file error. Nothing to check without Docker (USE_DOCKER=0) or without TLS.
 */
export function dockerEndpointProblems(v: DockerVariables): string[] {
  if (!v.USE_DOCKER || !v.DOCKER_TLS_VERIFY) return [];
  if (!v.DOCKER_HOST.startsWith('tcp://'))
    return [
      `DOCKER_TLS_VERIFY: TLS needs a tcp://host:port DOCKER_HOST (got DOCKER_HOST=${JSON.stringify(v.DOCKER_HOST)})`,
    ];
  const dir = dockerCertPath(v.DOCKER_CERT_PATH);
  const problems: string[] = [];
  for (const name of CERT_FILES) {
    const file = path.join(dir, name);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      problems.push(
        `DOCKER_CERT_PATH: cannot read ${file} (${why}), which TLS to the engine needs`,
      );
      continue;
    }
    if (!text.includes('-----BEGIN ')) problems.push(`DOCKER_CERT_PATH: ${file} is not a PEM file`);
  }
  return problems;
}
