import fs from 'node:fs';
import path from 'node:path';
import { envSchema, shownDefault } from '@job-runner/config';

/**
 * compose.yaml hands the api and worker containers every configuration variable: taken from
 * .env with the schema's default, or fixed by compose where the container's own address or path
 * is meant. A variable added to the schema but forgotten here fails this test.
 */
describe('compose.yaml', () => {
  const root = path.join(__dirname, '..', '..');
  const compose = fs.readFileSync(path.join(root, 'compose.yaml'), 'utf8');
  const keys = (envSchema.describe() as { keys: Record<string, { flags?: { default?: unknown } }> })
    .keys;
  /** Set by compose itself: addresses and paths inside the containers. */
  const fixed: Record<string, string> = {
    HOST: '0.0.0.0',
    PORT: "'8000'",
    REDIS_URL: 'redis://redis:6379',
    JOB_DATA_DIR: '/data',
    DOCKER_HOST: "''",
    DOCKER_TLS_VERIFY: "'0'",
    DOCKER_CERT_PATH: "''",
    INLINE_WORKER: "'0'",
  };
  /** Where compose's default differs from the schema's, on purpose. */
  const composeDefault: Record<string, string> = { NODE_ENV: 'production' };

  it.each(Object.keys(keys))('passes %s to the containers', (name) => {
    if (name in fixed) {
      expect(compose).toContain(`  ${name}: ${fixed[name]}\n`);
      return;
    }
    const shown = shownDefault(name);
    expect(compose).toContain(`  ${name}: \${${name}:-${composeDefault[name] ?? shown}}\n`);
  });
});
