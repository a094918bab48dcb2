import fs from 'node:fs';
import path from 'node:path';
import { envSchema, shownDefault } from './env-schema';

/** .env.example must list every variable the schema knows, with the schema's default. */
describe('.env.example', () => {
  const file = fs.readFileSync(path.join(__dirname, '..', '..', '..', '.env.example'), 'utf8');
  const listed = Object.fromEntries(
    file
      .split('\n')
      .filter((l) => /^[A-Z][A-Z0-9_]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  const keys = (
    envSchema.describe() as {
      keys: Record<string, { flags?: { default?: unknown; description?: string } }>;
    }
  ).keys;

  it.each(Object.keys(keys))('lists %s with its default and a line of meaning', (name) => {
    expect(listed).toHaveProperty(name);
    const shown = shownDefault(name);
    expect(listed[name]).toBe(shown);
    expect(keys[name].flags?.description).toBeTruthy();
  });

  it('lists nothing the schema does not know, but the variables only compose.yaml reads', () => {
    const compose = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'compose.yaml'), 'utf8');
    const unknown = Object.keys(listed).filter((k) => !(k in keys));
    expect(unknown.filter((k) => !compose.includes(`\${${k}:-`))).toEqual([]);
  });
});
