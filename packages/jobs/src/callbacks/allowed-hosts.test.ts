import { isAllowedHost } from './allowed-hosts';

describe('isAllowedHost', () => {
  const allowed = ['hooks.internal', '127.0.0.1:8080', '[::1]:9000', 'ci.example:443'];

  it.each([
    ['http://hooks.internal/x', true],
    ['https://HOOKS.internal:8443/x', true],
    ['http://127.0.0.1:8080/cb', true],
    ['http://127.0.0.1:8081/cb', false],
    ['http://127.0.0.1/cb', false],
    ['http://[::1]:9000/', true],
    ['http://[::1]:9001/', false],
    ['https://ci.example/hook', true],
    ['http://ci.example/hook', false],
    ['http://hooks.internal.evil.example/', false],
    ['http://evil.example/?hooks.internal', false],
  ])('%s: %s', (url, expected) => {
    expect(isAllowedHost(new URL(url), allowed)).toBe(expected);
  });

  it('allows nothing when the list is empty', () => {
    expect(isAllowedHost(new URL('http://127.0.0.1:8080/'), [])).toBe(false);
  });
});
