import { CallbackTargetError } from '../errors/callback-target-error';
import { resolveCallbackTarget, type LookupAll } from './resolve-callback-target';
import { vetCallbackUrl } from './vet-callback-url';

const answers =
  (table: Record<string, string[]>): LookupAll =>
  (hostname) => {
    const list = table[hostname];
    if (!list) return Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
    return Promise.resolve(
      list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };

const dns = answers({
  'public.example': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'mixed.example': ['93.184.215.14', '10.0.0.5'],
  'rebound.example': ['::ffff:169.254.169.254'],
  'empty.example': [],
  localhost: ['127.0.0.1', '::1'],
  '127.0.0.1': ['127.0.0.1'],
  '::1': ['::1'],
});
const opts = {
  allowedHosts: [] as string[],
  timeoutMs: 1000,
  lookup: dns,
  ownAddresses: () => new Set<string>(),
};

describe('resolveCallbackTarget', () => {
  it('answers the first address of a name whose every address is public', async () => {
    await expect(resolveCallbackTarget(new URL('https://public.example/x'), opts)).resolves.toEqual(
      {
        address: '93.184.215.14',
        family: 4,
      },
    );
  });

  it.each([
    ['http://mixed.example/', /mixed\.example resolves to 10\.0\.0\.5, which is a private address/],
    ['http://localhost:8080/', /localhost resolves to 127\.0\.0\.1, which is a loopback address/],
    ['http://127.0.0.1/', /which is a loopback address/],
    ['http://[::1]:81/', /::1 resolves to ::1, which is a loopback address/],
    ['http://rebound.example/', /which is a link-local address/],
    ['http://nowhere.example/', /host nowhere\.example does not resolve \(ENOTFOUND\)/],
    ['http://empty.example/', /does not resolve \(no address\)/],
  ])('refuses %s, naming spec.callback_url and why', async (url, why) => {
    const err = await resolveCallbackTarget(new URL(url), opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallbackTargetError);
    expect((err as CallbackTargetError).fields).toEqual(['spec.callback_url']);
    expect((err as Error).message).toMatch(/^spec\.callback_url /);
    expect((err as Error).message).toMatch(why);
  });

  it('lets a host in CALLBACK_ALLOWED_HOSTS through, on its port only when one is named', async () => {
    const allowed = { ...opts, allowedHosts: ['127.0.0.1:8080', 'localhost'] };
    await expect(
      resolveCallbackTarget(new URL('http://127.0.0.1:8080/'), allowed),
    ).resolves.toEqual({
      address: '127.0.0.1',
      family: 4,
    });
    await expect(
      resolveCallbackTarget(new URL('http://localhost:1/'), allowed),
    ).resolves.toMatchObject({
      address: '127.0.0.1',
    });
    await expect(resolveCallbackTarget(new URL('http://127.0.0.1:8081/'), allowed)).rejects.toThrow(
      /loopback/,
    );
  });

  it('gives up on a resolver that does not answer in time', async () => {
    const slow: LookupAll = () => new Promise(() => undefined);
    await expect(
      resolveCallbackTarget(new URL('http://slow.example/'), {
        ...opts,
        lookup: slow,
        timeoutMs: 50,
      }),
    ).rejects.toThrow(/slow\.example did not resolve within 50 ms/);
  });

  it('uses the real resolver by default: localhost leads to loopback', async () => {
    await expect(
      resolveCallbackTarget(new URL('http://localhost:9/'), { allowedHosts: [], timeoutMs: 5000 }),
    ).rejects.toThrow(/localhost resolves to .*loopback/);
  });
});

describe('vetCallbackUrl', () => {
  it('refuses every callback_url on a server without CALLBACK_SECRET, saying so', async () => {
    await expect(
      vetCallbackUrl('https://public.example/', { ...opts, secret: '' }),
    ).rejects.toThrow(/spec\.callback_url cannot be used: this server has no CALLBACK_SECRET/);
  });

  it('checks where the URL leads when there is one', async () => {
    const withSecret = { ...opts, secret: 'x'.repeat(32) };
    await expect(vetCallbackUrl('https://public.example/', withSecret)).resolves.toBeUndefined();
    await expect(vetCallbackUrl('http://localhost/', withSecret)).rejects.toThrow(/loopback/);
  });
});
