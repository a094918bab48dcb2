import { randomUUID } from 'node:crypto';
import { SANDBOX_LABEL } from '@job-runner/sandbox';
import { WORKER_LABEL } from '@job-runner/jobs';
import { Client } from '../helpers/client';
import { containersWithLabel, describeDocker } from '../helpers/docker';
import { eventually } from '../helpers/eventually';
import { RedisCluster } from '../helpers/redis-cluster';
import { S3Server } from '../helpers/s3-server';
import { SecondEngine } from '../helpers/second-engine';
import { HostProcess } from '../helpers/host-process';

const JOB = `
import os, time
print("started", flush=True)
time.sleep(float(os.environ.get("SLEEP", "0")))
open(os.path.join(os.environ["JOB_OUTPUT_DIR"], "result.txt"), "w").write("token=" + os.environ["TOKEN"])
print("done", flush=True)
`;

/**
 * The platform spread over hosts that share nothing but the network: two API processes and
 * workers each with a disk of its own, Redis as a real 3-master cluster, job files in an
 * S3-compatible store, and one worker on another Docker engine reached over TCP with TLS.
 */
describeDocker('APIs and workers on several hosts, sharing no disk', () => {
  const cluster = new RedisCluster();
  const s3 = new S3Server();
  const engine = new SecondEngine({ tls: true });
  const processes: HostProcess[] = [];
  let env: Record<string, string>;
  let apis: [Client, Client];

  const start = (app: 'api' | 'worker', extra: Record<string, string> = {}, disk?: string) => {
    const p = new HostProcess(app, { ...env, ...extra }, disk);
    processes.push(p);
    return p;
  };
  /** A worker on the second engine, as on another host: TCP, TLS, client certificate. */
  const remoteWorker = (disk?: string) =>
    start(
      'worker',
      {
        DOCKER_HOST: engine.tlsHost,
        DOCKER_TLS_VERIFY: '1',
        DOCKER_CERT_PATH: engine.certPath,
      },
      disk,
    ).waitFor('worker started');

  beforeAll(async () => {
    await Promise.all([cluster.start(), s3.start(), engine.start()]);
    engine.loadImage();
    env = {
      ...s3.env,
      REDIS_CLUSTER_NODES: cluster.nodes,
      QUEUE_NAME: `mh-${randomUUID().slice(0, 8)}`,
      INLINE_WORKER: '0',
      HOST: '127.0.0.1',
      PORT: '0',
      WORKER_CONCURRENCY: '1',
      SANDBOX_POOL_SIZE: '0',
      // A killed worker's job is found stalled, and the worker counted dead, within seconds.
      LOCK_DURATION_MS: '4000',
      STALLED_INTERVAL_MS: '2000',
      WORKER_HEARTBEAT_SEC: '2',
    };
    const [a, b] = [start('api'), start('api')];
    apis = [new Client(await a.url()), new Client(await b.url())];
  }, 240_000);
  afterAll(async () => {
    for (const p of processes) await p.stop();
    await engine.dispose();
    await s3.dispose();
    await cluster.dispose();
  });

  let first = '';
  let remote: HostProcess;

  it('serves from one API, logs and artifacts, a job submitted to the other', async () => {
    remote = await remoteWorker();
    first = await apis[0].submit({ code: JOB, spec: { env: { TOKEN: 'first' } } });
    const job = await apis[1].waitEnded(first, 120_000);
    expect(job).toMatchObject({ status: 'succeeded', artifacts: ['result.txt'] });
    expect(await apis[1].logs(first)).toMatch(/started\n[\s\S]*done\n/);
    const artifact = await apis[1].get(`/jobs/${first}/artifacts/result.txt`);
    expect(await artifact.text()).toBe('token=first');
    const range = await apis[0].get(`/jobs/${first}/artifacts/result.txt`, {
      headers: { range: 'bytes=6-' },
    });
    expect([range.status, await range.text()]).toEqual([206, 'first']);
    // It ran on the other engine, over TLS.
    expect(remote.output).toContain(`job=${first}] run ended`);
  }, 180_000);

  it('reruns on the first engine a job whose worker on the second was killed mid-run', async () => {
    const id = await apis[1].submit({ code: JOB, spec: { env: { TOKEN: 'second', SLEEP: '20' } } });
    await eventually('the job runs on the second engine', async () =>
      (await apis[0].logs(id)).includes('started'),
    );
    expect(engine.containers(`${SANDBOX_LABEL}=job`)).toHaveLength(1);
    // Long enough for the first engine's worker to start before the job could end.
    const local = await start('worker').waitFor('worker started');
    expect(await apis[0].logs(id)).not.toContain('done');
    remote.kill('SIGKILL');
    await remote.exited;

    const job = await apis[0].waitEnded(id, 120_000);
    expect(job).toMatchObject({ status: 'succeeded', artifacts: ['result.txt'] });
    expect(await apis[0].logs(id)).toContain('rerun from the start');
    expect(await (await apis[1].get(`/jobs/${id}/artifacts/result.txt`)).text()).toBe(
      'token=second',
    );
    expect(local.output).toContain(`job=${id}] running {"runtime":"python","run":2}`);

    // The killed worker left its working copy on its disk and its sandbox on its engine.
    expect(remote.leftovers()).toContainEqual(
      expect.stringMatching(/^scratch\/[^/]+\/[^/]+\/code\/main\.py$/),
    );
    // Nothing stays: a worker that starts again on that host (its disk, its engine) removes
    // both (each engine's reaper sees its own engine only), the first engine keeps none, ...
    await remoteWorker(remote.disk);
    await eventually(
      'the dead worker’s sandbox is reaped on its engine',
      () => Promise.resolve(engine.containers(SANDBOX_LABEL).length === 0),
      30_000,
    );
    const localId = local.workerId;
    await eventually(
      'no sandbox of the job is left on the first engine',
      async () => (await containersWithLabel(WORKER_LABEL, localId)).length === 0,
    );
    // ... the store holds the two jobs' files and nothing else, and no process's disk holds any.
    const keys = await s3.keys(`${env.QUEUE_NAME}/`);
    expect(new Set(keys.map((k) => k.split('/')[2]))).toEqual(new Set([first, id]));
    expect(keys.filter((k) => k.endsWith('env.json'))).toEqual([]);
    for (const p of processes) expect(p.leftovers()).toEqual([]);
  }, 240_000);
});
