export type { Config } from './config';
export { ConfigError } from './config-error';
export { envSchema } from './env-schema';
export { loadConfig, DEFAULT_REDIS_URL } from './load-config';
export type { LoadConfigOptions } from './load-config';
