import { ConfigError } from './config-error';
import { loadConfig, type Config } from './load-config';

/**
 * What an entry point does first: the configuration, or exit 2 with the message that names
 * every bad variable (no stack trace: it is the operator's input, not a fault of ours).
 */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}
