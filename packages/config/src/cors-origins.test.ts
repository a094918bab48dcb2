import { parseCorsOrigins } from './cors-origins';
import { loadConfig } from './load-config';

describe('CORS_ORIGINS', () => {
  it('is empty by default: no CORS', () => {
    expect(loadConfig({}, { dotenvDir: null }).cors).toEqual({ origins: [] });
  });

  it('lists origins as browsers send them, with * and null as they are', () => {
    expect(
      parseCorsOrigins(' https://App.Example.com:443/ , http://localhost:3000,null,*,null'),
    ).toEqual(['https://app.example.com', 'http://localhost:3000', 'null', '*']);
  });

  it.each([
    'https://app.example.com/path',
    'ftp://files.example.com',
    'app.example.com',
    'http://u:p@h',
  ])('refuses %s, naming it', (entry) => {
    expect(() => loadConfig({ CORS_ORIGINS: entry }, { dotenvDir: null })).toThrow(
      `CORS_ORIGINS: entry ${JSON.stringify(entry)} is not an origin`,
    );
  });
});
