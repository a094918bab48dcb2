import { nodeIo } from './cli-io';
import { runCli } from './run-cli';

// Leaves once everything written has been handed to the OS: fetch's idle keep-alive
// connections would otherwise hold the process for seconds after its work is done.
void runCli(process.argv.slice(2), nodeIo()).then((code) =>
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code))),
);
