import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { keyBase } from '../queue/queue-names';
import { LogFollower } from './log-follower';
import { LogStore } from './log-store';

/** Resolves once `check` holds, or fails after `ms`. */
async function within(ms: number, what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('LogFollower', () => {
  const name = `follower-test-${randomUUID().slice(0, 8)}`;
  const reader = new Redis(process.env.TEST_REDIS_URL!, { connectionName: name });
  const control = new Redis(process.env.TEST_REDIS_URL!);
  const store = new LogStore(control, keyBase(control, `t-${randomUUID().slice(0, 8)}`));
  // A read that blocks for a minute: only a wake-up can end it within the test's bounds.
  const follower = new LogFollower(store, reader, control, 60_000);
  const blockedInXread = async () =>
    ((await control.client('LIST')) as string)
      .split('\n')
      .some((l) => l.includes(`name=${name} `) && /flags=\S*b/.test(l) && /cmd=xread/.test(l));

  afterAll(async () => {
    await follower.close();
    reader.disconnect();
    control.disconnect();
  });

  it('serves a new follower at once while the read blocks on the others', async () => {
    const got: string[] = [];
    follower.follow('quiet', '0', (read) => got.push(...read.entries.map((e) => e.text)));
    await within(5000, 'the reader blocks', blockedInXread);
    follower.follow('busy', '0', (read) => got.push(...read.entries.map((e) => e.text)));
    await store.append('busy', 'hello\n');
    await within(5000, 'the new follower gets its line', () =>
      Promise.resolve(got.includes('hello\n')),
    );
  });

  it('closes at once, leaving no key of its own behind', async () => {
    await within(5000, 'the reader blocks', blockedInXread);
    const started = Date.now();
    await follower.close();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await control.keys(`${store.wakeKey('*')}`)).toEqual([]);
    // What the janitor takes for logs is not among them.
    expect(store.wakeKey('x').startsWith(store.logPrefix)).toBe(false);
  });
});
