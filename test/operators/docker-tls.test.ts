import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { WORKER_LABEL, WorkerRegistry } from '@job-runner/jobs';
import { dockerClient, jobNameFilter, SANDBOX_LABEL } from '@job-runner/sandbox';
import { Client } from '../helpers/client';
import { containersWithLabel, describeDocker, jobContainers } from '../helpers/docker';
import { eventually } from '../helpers/eventually';
import { SecondEngine } from '../helpers/second-engine';
import { TestCa } from '../helpers/test-ca';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { WorkerProcess } from '../helpers/worker-process';

const IMAGE = process.env.JOB_RUN_IMAGE || 'job-runner-exec:latest';

/**
 * A worker on another host's Docker engine, reached over TCP with TLS (DOCKER_HOST,
 * DOCKER_TLS_VERIFY, DOCKER_CERT_PATH as the docker CLI reads them): an engine the test starts
 * in a network namespace of its own, reached over a veth link. Its jobs run there, not on this
 * machine's engine; its reaper works on that engine alone; and a worker that cannot make a TLS
 * session with it (wrong CA, a certificate the engine does not know, no certificate, no TLS)
 * does not start, saying why.
 */
describeDocker('a worker on a Docker engine reached over TCP with TLS', () => {
  const engine = new SecondEngine({ tls: true });
  const run = randomUUID().slice(0, 8);
  const dead = `dead-${run}`;
  let server: TestServer;
  let worker: WorkerProcess;
  let redis: Redis;
  /** A sandbox of a dead worker left on each engine, labelled alike. */
  const leftover = { there: '', here: '' };

  const tlsEnv = (certPath = engine.certPath): Record<string, string> => ({
    DOCKER_HOST: engine.tlsHost,
    DOCKER_TLS_VERIFY: '1',
    DOCKER_CERT_PATH: certPath,
  });
  const leave = async (docker: ReturnType<typeof dockerClient>, where: string) =>
    (
      await docker.createContainer({
        name: `jr-job-job-${where}-${run}--1`,
        Image: IMAGE,
        Cmd: ['sleep', 'infinity'],
        Labels: { [SANDBOX_LABEL]: 'job', [WORKER_LABEL]: dead },
        HostConfig: { NetworkMode: 'none' },
      })
    ).id;

  beforeAll(async () => {
    await engine.start();
    engine.loadImage();
    server = await startTestServer({ INLINE_WORKER: '0' });
    // A worker of this queue that died: registered, its heartbeat gone.
    redis = new Redis(server.redisUrl);
    const registry = new WorkerRegistry(redis, server.config.queueName);
    await registry.beat(dead, 60);
    await registry.retire(dead);
    leftover.there = await leave(dockerClient(engine.host), 'there');
    leftover.here = await leave(dockerClient(), 'here');
    worker = await new WorkerProcess(server, {
      ...tlsEnv(),
      WORKER_CONCURRENCY: '1',
      // Asked for, and refused: this worker cannot firewall a bridge on another machine.
      OUTBOUND_ENABLED: '1',
      OUTBOUND_NETWORK: `jr-tls-${run}`,
    }).ready();
  }, 240_000);
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await worker?.exited;
    await server?.close();
    redis?.disconnect();
    if (leftover.here)
      await dockerClient()
        .getContainer(leftover.here)
        .remove({ force: true })
        .catch(() => undefined);
    await engine.dispose();
  });

  it("runs a job end to end with its sandbox on that engine, not this machine's", async () => {
    const client = new Client(server.url);
    const id = await client.submit({
      code: 'import time\nprint("started", flush=True)\ntime.sleep(3)\nprint("done")',
      spec: { timeout_sec: 60 },
    });
    const there = dockerClient(engine.host);
    await eventually('the job runs in a sandbox on the other engine', async () => {
      const boxes = await there.listContainers({ filters: { name: [jobNameFilter(id)] } });
      return boxes.length === 1 && (await client.logs(id)).includes('started');
    });
    expect(await jobContainers(id)).toEqual([]);
    const job = await client.waitEnded(id);
    expect(job).toMatchObject({ status: 'succeeded', exit_code: 0 });
    expect(await client.logs(id)).toContain('done');
  });

  it("reaps a dead worker's sandbox on its own engine and leaves the other engine's alone", async () => {
    // The first sweep is over before the worker says it started.
    expect(engine.containers(`${WORKER_LABEL}=${dead}`)).toEqual([]);
    expect(await containersWithLabel(WORKER_LABEL, dead)).toEqual([leftover.here]);
    // Nor did it put anything of its own on this machine's engine: its pool is over there.
    await eventually('its pool of one is on the other engine', () =>
      Promise.resolve(engine.containers(`${WORKER_LABEL}=${worker.id}`).length === 1),
    );
    expect(await containersWithLabel(WORKER_LABEL, worker.id)).toEqual([]);
  });

  it('refuses outbound jobs: the bridge over there cannot be firewalled from here', async () => {
    expect(worker.output).toContain('the Docker engine is reached over TCP (DOCKER_HOST)');
    const job = await new Client(server.url).run('print("unfiltered")', {
      net_policy: 'outbound',
    });
    expect(job.job).toMatchObject({ status: 'failed', error: 'outbound network unavailable' });
    expect(job.logs).not.toContain('unfiltered');
  });

  it('does not start a worker that cannot make a TLS session with the engine, saying why', async () => {
    const other = new TestCa(path.join(engine.dir, 'other-ca'), 'another CA');
    const wrongCa = engine.ca.issueClient(path.join(engine.dir, 'wrong-ca'), other.certFile);
    const unknownClient = other.issueClient(path.join(engine.dir, 'unknown'), engine.ca.certFile);
    const noClientCert = path.join(engine.dir, 'no-cert');
    fs.mkdirSync(noClientCert);
    fs.copyFileSync(engine.ca.certFile, path.join(noClientCert, 'ca.pem'));
    const starts = {
      wrongCa: tlsEnv(wrongCa),
      unknownClient: tlsEnv(unknownClient),
      noClientCert: tlsEnv(noClientCert),
      plainTcp: { DOCKER_HOST: engine.tlsHost },
    };
    const ended = Object.fromEntries(
      await Promise.all(
        Object.entries(starts).map(async ([name, env]) => {
          const w = new WorkerProcess(server, env);
          const { code } = await w.exited;
          return [name, { code, output: w.output }] as const;
        }),
      ),
    );
    expect(ended.wrongCa.code).toBe(1);
    expect(ended.wrongCa.output).toContain(
      "docker: Docker engine unreachable over TLS while trying to answer: the engine's certificate is not signed by the CA in DOCKER_CERT_PATH's ca.pem",
    );
    expect(ended.unknownClient.code).toBe(1);
    expect(ended.unknownClient.output).toContain(
      "docker: Docker engine unreachable over TLS while trying to answer: the engine refused our client certificate (DOCKER_CERT_PATH's cert.pem",
    );
    // Found before any connection: the configuration names the files.
    expect(ended.noClientCert.code).toBe(2);
    expect(ended.noClientCert.output).toContain(
      `DOCKER_CERT_PATH: cannot read ${path.join(noClientCert, 'cert.pem')} (ENOENT)`,
    );
    expect(ended.plainTcp.code).toBe(1);
    expect(ended.plainTcp.output).toContain('the Docker engine is reached over plain TCP');
    expect(ended.plainTcp.output).toContain(
      'the engine speaks TLS at this address (DOCKER_HOST): set DOCKER_TLS_VERIFY=1',
    );
    for (const { output } of Object.values(ended)) expect(output).not.toContain('worker started');
  }, 120_000);
});
