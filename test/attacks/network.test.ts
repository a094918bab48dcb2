import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  DockerRunner,
  OutboundNetwork,
  OutboundUnavailableError,
  dockerClient,
  egressNames,
} from '@job-runner/sandbox';
import { describeDocker, sandboxRuntimeUnderTest, underGvisor } from '../helpers/docker';
import { Client, type JobViewBody } from '../helpers/client';
import {
  expectNextJobSucceeds,
  expectNoContainerLeft,
  expectRunnerStillRuns,
} from '../helpers/attack';
import { eventually } from '../helpers/eventually';
import { canConnect, FakeMetadata, FakePublicHost } from '../helpers/fake-hosts';
import { freePort, OwnRedis } from '../helpers/operator';
import { startTestServer, type TestServer } from '../helpers/test-server';

const IMAGE = process.env.JOB_RUN_IMAGE || 'job-runner-exec:latest';

/** This machine's own IPv4 addresses other than loopback (eth0, docker0, ...). */
const hostAddresses = () =>
  Object.values(os.networkInterfaces())
    .flat()
    .filter((a): a is os.NetworkInterfaceInfo => !!a && a.family === 'IPv4' && !a.internal)
    .map((a) => a.address);

/** A TCP listener on every address of the host; the sandbox must not reach it. */
async function listener(): Promise<{ port: number; close: () => Promise<void> }> {
  const srv = net.createServer((s) => {
    s.on('error', () => undefined);
    s.end('you reached the host\n');
  });
  await new Promise<void>((r) => srv.listen(0, '0.0.0.0', r));
  const { port } = srv.address() as net.AddressInfo;
  return { port, close: () => new Promise((r) => srv.close(() => r())) };
}

/** Python that tries each host:port and prints `host:port ok|<errno name>`. */
const probeScript = (targets: [string, number][]) => `
import errno, os, socket
print("ifaces", ",".join(sorted(os.listdir("/sys/class/net"))))
print("inet6", len(open("/proc/net/if_inet6").read().split()) if os.path.exists("/proc/net/if_inet6") else 0)
for host, port in ${JSON.stringify(targets)}:
    s = socket.socket()
    s.settimeout(5)
    try:
        s.connect((host, port))
        print("%s:%d ok" % (host, port))
        print("reply", s.recv(100).decode(errors="replace").replace(" ", "_"))
    except OSError as e:
        print("%s:%d %s" % (host, port, errno.errorcode.get(e.errno, "timeout") if e.errno else "timeout"))
    finally:
        s.close()
`;

const NEIGHBOUR_PROBE = 'import socket; socket.create_connection(("127.0.0.1", 8080), 2)';

const results = (logs: string) =>
  Object.fromEntries(
    logs
      .trim()
      .split('\n')
      .map((l) => l.split(' ') as [string, string]),
  );

/** A probe's answer when the network refused the connection at once (never a silent drop). */
const REFUSED = /^(ENETUNREACH|EHOSTUNREACH|ECONNREFUSED|EACCES|EPERM)$/;

describeDocker('attacks on the network', () => {
  let host: { port: number; close: () => Promise<void> };
  /** A Redis listening on every address of the host: a target that really answers. */
  let redis: OwnRedis;
  beforeAll(async () => {
    host = await listener();
    redis = new OwnRedis(await freePort(), '0.0.0.0');
    await redis.start();
  });
  afterAll(async () => {
    await host.close();
    await redis.dispose();
  });

  describe('net_policy none', () => {
    let server: TestServer;
    let client: Client;
    beforeAll(async () => {
      server = await startTestServer();
      client = new Client(server.url);
    });
    afterAll(() => server.close());

    it('has only lo and no route: external address, bridge gateway and Redis unreachable', async () => {
      const addresses = [...new Set([...hostAddresses(), '172.17.0.1'])];
      const targets: [string, number][] = [
        ...addresses.map((a): [string, number] => [a, host.port]),
        ...addresses.map((a): [string, number] => [a, redis.port]),
      ];
      // Controls: from the host, every target answers, so only the sandbox's network stops it.
      for (const [a, p] of targets)
        await eventually(`the host reaches ${a}:${p}`, () => canConnect(a, p), 15_000);
      // The external address is probed with a UDP "connect": a route lookup that sends nothing.
      const code =
        probeScript(targets) +
        `
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    u.connect(("203.0.113.10", 53))
    print("external route")
except OSError as e:
    print("external", errno.errorcode[e.errno])
print("routes", len(open("/proc/net/route").read().strip().split("\\n")) - 1)
`;
      const { job, logs } = await client.run(code, { timeout_sec: 120 });
      expect(job.status).toBe('succeeded');
      const r = results(logs);
      expect(r.ifaces).toBe('lo');
      // gVisor's own network stack says so in its words: no route to the host.
      const unreachable = underGvisor() ? 'EHOSTUNREACH' : 'ENETUNREACH';
      expect(r.external).toBe(unreachable);
      expect(r.routes).toBe('0');
      for (const [h, p] of targets)
        expect([`${h}:${p}`, r[`${h}:${p}`]]).toEqual([`${h}:${p}`, unreachable]);
      await expectNextJobSucceeds(client);
    });

    it('refuses outbound jobs clearly when outbound is switched off', async () => {
      const { job, logs } = await client.run('print("should not run")', { net_policy: 'outbound' });
      expect(job).toMatchObject({ status: 'failed', error: 'outbound network unavailable' });
      expect(logs).toMatch(/net_policy outbound is unavailable on this worker/);
      expect(logs).not.toContain('should not run');
      await expectNoContainerLeft(job.id);
      await expectNextJobSucceeds(client);
    });
  });

  // gVisor is registered here with --network=none (runsc refuses any network in the host's
  // namespace on these machines): an outbound job is refused, never run with a weaker policy.
  if (underGvisor())
    describe('net_policy outbound under gVisor', () => {
      const network = `jr-test-${randomUUID().slice(0, 8)}`;
      let server: TestServer;
      let client: Client;
      beforeAll(async () => {
        server = await startTestServer({ OUTBOUND_ENABLED: '1', OUTBOUND_NETWORK: network });
        client = new Client(server.url);
      });
      afterAll(async () => {
        await server?.close();
        await new OutboundNetwork(dockerClient(), { name: network }).remove();
      });

      it('is refused, naming why, before any container exists', async () => {
        const { job, logs } = await client.run('print("should not run")', {
          net_policy: 'outbound',
        });
        expect(job).toMatchObject({ status: 'failed', error: 'outbound network unavailable' });
        expect(logs).toMatch(
          /net_policy outbound is unavailable on this worker: the sandbox runtime runsc is registered with --network=none/,
        );
        expect(logs).not.toContain('should not run');
        await expectNoContainerLeft(job.id);
        await expectNextJobSucceeds(client);
      });
    });
  else
    describe('net_policy outbound', () => {
      const network = `jr-test-${randomUUID().slice(0, 8)}`;
      const metadata = new FakeMetadata();
      const internet = new FakePublicHost();
      let server: TestServer;
      let client: Client;
      let neighbour = '';
      beforeAll(async () => {
        await metadata.start();
        await internet.start();
        server = await startTestServer({ OUTBOUND_ENABLED: '1', OUTBOUND_NETWORK: network });
        client = new Client(server.url);
        // Another container on the same bridge, standing for a neighbouring sandbox.
        neighbour = execFileSync(
          'docker',
          [
            'run',
            '-d',
            '--rm',
            '--network',
            network,
            '--user',
            '10001:10001',
            '--read-only',
            '--cap-drop',
            'ALL',
            '--label',
            `job-runner.test=${network}`,
            IMAGE,
            'python3',
            '-m',
            'http.server',
            '8080',
          ],
          { encoding: 'utf8' },
        ).trim();
      });
      afterAll(async () => {
        if (neighbour) execFileSync('docker', ['rm', '-f', neighbour], { stdio: 'ignore' });
        await server?.close();
        await new OutboundNetwork(dockerClient(), { name: network }).remove();
        metadata.stop();
        internet.stop();
        // Nothing of ours is left in the host's firewall.
        const names = egressNames(network);
        expect(execFileSync('iptables', ['-S'], { encoding: 'utf8' })).not.toContain(names.bridge);
      });

      it('reaches the internet, but neither the host, nor 169.254.169.254, nor another sandbox', async () => {
        const gateway = await new OutboundNetwork(dockerClient(), { name: network }).gateway();
        expect(gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
        const neighbourIp = execFileSync(
          'docker',
          [
            'inspect',
            '-f',
            `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`,
            neighbour,
          ],
          { encoding: 'utf8' },
        ).trim();
        // Controls: from the host every target answers, so only the firewall stands in the way.
        expect(await canConnect(gateway!, host.port)).toBe(true);
        expect(await canConnect(gateway!, redis.port)).toBe(true);
        // Asked again for a few seconds: engines and test servers beside this file create and
        // remove bridges, and the host's own path to the stand-in can blink while they do.
        expect(
          await eventually(
            'the metadata stand-in answers the host',
            () => metadata.reachable(),
            10_000,
          ),
        ).toBe(true);
        // The neighbour listens (checked from inside it: the host itself may not open connections
        // into the bridge either, since our INPUT chain refuses every packet coming from it).
        const listening = () => {
          try {
            execFileSync('docker', ['exec', neighbour, 'python3', '-c', NEIGHBOUR_PROBE], {
              stdio: 'ignore',
            });
            return true;
          } catch {
            return false;
          }
        };
        for (let i = 0; i < 50 && !listening(); i++) await new Promise((r) => setTimeout(r, 200));
        expect(listening()).toBe(true);

        const targets: [string, number][] = [
          [gateway!, host.port],
          ...hostAddresses().map((a): [string, number] => [a, host.port]),
          ['172.17.0.1', host.port],
          [FakeMetadata.ADDRESS, 80],
          [neighbourIp, 8080],
          [gateway!, redis.port],
          ...hostAddresses().map((a): [string, number] => [a, redis.port]),
        ];
        // The positive control: an address on the internet (as the sandbox sees it), served here.
        const allowed: [string, number] = [FakePublicHost.ADDRESS, 80];
        // Run up to three times until the control answers: the host's path to the stand-ins
        // can blink while tests beside this file reshape the host's network (see above), and the
        // stand-in has been seen gone. Every run's blocked targets are checked all the same, and
        // a dead outbound network still fails.
        let job!: JobViewBody;
        let logs = '';
        for (let run = 0; run < 3; run++) {
          ({ job, logs } = await client.run(probeScript([allowed, ...targets]), {
            net_policy: 'outbound',
            timeout_sec: 120,
          }));
          expect(job.status).toBe('succeeded');
          const seen = results(logs);
          for (const [h, p] of targets)
            expect([`${h}:${p}`, seen[`${h}:${p}`]]).toEqual([
              `${h}:${p}`,
              expect.stringMatching(REFUSED),
            ]);
          if (seen[allowed.join(':')] === 'ok') break;
          // Refused outright (a reset) means nothing listened: the stand-in itself went away
          // beside the other tests. It is made anew; a firewall that blocks it still fails.
          internet.stop();
          await internet.start();
        }
        // Outbound never comes from the pool: a pooled sandbox has no network, and a network
        // cannot be added to a running one safely. It is made for its job (the cold path).
        expect(job.sandbox).toBe('cold');
        const r = results(logs);
        // On the bridge (eth0) for real, but with no IPv6 at all.
        expect(r.ifaces).toBe('eth0,lo');
        expect(r.inet6).toBe('0');
        expect(r[allowed.join(':')]).toBe('ok');
        expect(r.reply).toBe(FakePublicHost.REPLY.replace(/ /g, '_'));
        // Refused at once by the firewall (REJECT), never merely timed out.
        for (const [h, p] of targets)
          expect([`${h}:${p}`, r[`${h}:${p}`]]).toEqual([
            `${h}:${p}`,
            expect.stringMatching(REFUSED),
          ]);
        await expectNextJobSucceeds(client);
      }, 300_000);

      it('re-installs rules flushed under it before the next outbound run', async () => {
        const names = egressNames(network);
        execFileSync('iptables', [
          '-D',
          'DOCKER-USER',
          '-i',
          names.bridge,
          '-j',
          names.forwardChain,
        ]);
        const { job, logs } = await client.run(probeScript([[FakeMetadata.ADDRESS, 80]]), {
          net_policy: 'outbound',
          timeout_sec: 120,
        });
        expect(job.status).toBe('succeeded');
        expect(results(logs)[`${FakeMetadata.ADDRESS}:80`]).toMatch(REFUSED);
        execFileSync('iptables', [
          '-C',
          'DOCKER-USER',
          '-i',
          names.bridge,
          '-j',
          names.forwardChain,
        ]);
      });
    });

  describe('when the firewall cannot be installed', () => {
    const network = `jr-test-${randomUUID().slice(0, 8)}`;
    afterAll(() => new OutboundNetwork(dockerClient(), { name: network }).remove());

    it('refuses the outbound run before any container exists', async () => {
      const runner = new DockerRunner({
        outboundNetwork: network,
        iptables: '/nonexistent/iptables',
        iptablesRestore: '/nonexistent/iptables-restore',
        runtime: sandboxRuntimeUnderTest(),
      });
      // Under gVisor (no network at all here) outbound is refused before any firewall matters.
      expect((await runner.prepare()).join()).toMatch(
        underGvisor()
          ? /outbound jobs are refused: the sandbox runtime runsc is registered with --network=none/
          : /egress firewall could not be installed/,
      );
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jr-outbound-refused-'));
      const jobId = `refused-${randomUUID()}`;
      try {
        await expect(
          runner.run({
            jobId,
            image: IMAGE,
            entry: 'main.py',
            args: [],
            env: {},
            limits: { timeoutSec: 10, cpus: 1, memoryMb: 128, pids: 64 },
            netPolicy: 'outbound',
            codeDir: dir,
            inputDir: dir,
            outputDir: dir,
            onOutput: () => undefined,
          }),
        ).rejects.toBeInstanceOf(OutboundUnavailableError);
        await expectNoContainerLeft(jobId);
        await expectRunnerStillRuns(runner);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('refuses when the bridge is not in this network namespace (worker in a container)', async () => {
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'jr-no-net-'));
      try {
        const outbound = new OutboundNetwork(dockerClient(), { name: network, sysClassNet: empty });
        await expect(outbound.ensure()).rejects.toThrow(
          /not visible in this process's network namespace/,
        );
      } finally {
        fs.rmSync(empty, { recursive: true, force: true });
      }
    });
  });
});
