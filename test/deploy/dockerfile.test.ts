import fs from 'node:fs';
import path from 'node:path';

/**
 * The Dockerfile installs dependencies from the workspaces' package.json files before it copies
 * the sources (so a code change keeps the dependency layer cached). A workspace it does not copy
 * would break `npm ci` in the image build: this test names it first.
 */
describe('Dockerfile', () => {
  const root = path.join(__dirname, '..', '..');
  const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const { workspaces } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    workspaces: string[];
  };

  it.each(workspaces)('copies the package.json of workspace %s before npm ci', (ws) => {
    const copy = dockerfile.indexOf(`COPY ${ws}/package.json ${ws}/\n`);
    expect(copy).toBeGreaterThan(-1);
    expect(copy).toBeLessThan(dockerfile.indexOf('npm ci'));
  });
});
