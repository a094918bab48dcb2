import type { CliIo } from '../cli-io';
import { ExitCode } from '../exit-codes';
import type { ArtifactsCommand } from '../parse-command-line';
import { serverClient } from '../server-client';

/** `job-runner artifacts ID [--out DIR]`: the names, or the files downloaded (their paths). */
export async function artifactsCommand(cmd: ArtifactsCommand, io: CliIo): Promise<number> {
  const client = serverClient(cmd.connection);
  const { artifacts } = await client.get(cmd.jobId);
  const lines =
    cmd.outDir === undefined
      ? artifacts
      : await client.downloadArtifacts(cmd.jobId, cmd.outDir, artifacts);
  for (const line of lines) io.stdout.write(`${line}\n`);
  return ExitCode.Ok;
}
