export { ConfigError } from './config-error';
export { envSchema, shownDefault } from './env-schema';
export type { EnvValues } from './env-schema';
export { loadConfig } from './load-config';
export type { Config, LoadConfigOptions } from './load-config';
export {
  GVISOR_MIN_CPU_LIMIT,
  MAX_TIMEOUT_SEC,
  MIN_CPU_LIMIT,
  MIN_MEM_LIMIT_MB,
  MIN_PIDS_LIMIT,
} from './limits';
export { loadConfigOrExit } from './load-config-or-exit';
export { parseRedisNodes } from './redis-nodes';
export type { RedisNode } from './redis-nodes';
