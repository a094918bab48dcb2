import fs from 'node:fs';
import path from 'node:path';
import { Client } from '../helpers/client';
import { describeDocker } from '../helpers/docker';
import { startTestServer, type TestServer } from '../helpers/test-server';

const ROOT = path.join(__dirname, '..', '..');

/** Plots, as users draw them: any text, any script, with the fonts the image ships. */
describeDocker('matplotlib in the sandbox', () => {
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    server = await startTestServer();
    client = new Client(server.url);
  });
  afterAll(() => server.close());

  it('renders Chinese, Japanese and Korean text with a font that has the glyphs', async () => {
    // A glyph missing from the chosen font is a UserWarning (the text would be empty boxes):
    // made an error here, it fails the job.
    const { job, logs } = await client.run(
      [
        'import os, warnings',
        'warnings.simplefilter("error")',
        'import matplotlib',
        'import matplotlib.pyplot as plt',
        'from matplotlib.font_manager import findfont, FontProperties',
        'print("font:", os.path.basename(findfont(FontProperties(family=matplotlib.rcParams["font.family"]))))',
        'fig, ax = plt.subplots()',
        'ax.plot([1, 2, 3], [3, -1, 2])',
        'ax.set_title("売上 销售额 매출 − sales")',
        'ax.set_xlabel("月 / 월")',
        'fig.savefig(os.path.join(os.environ["JOB_OUTPUT_DIR"], "cjk.png"))',
        'print("saved")',
      ].join('\n'),
    );
    expect(logs).not.toMatch(/missing from (current )?font/);
    expect(job).toMatchObject({ status: 'succeeded', artifacts: ['cjk.png'] });
    expect(logs).toMatch(/^font: NotoSansCJK/m);
    const png = await client.get(`/jobs/${job.id}/artifacts/cjk.png`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
  });

  it('starts from the font cache built into the image (no rescan of every font)', async () => {
    const { logs } = await client.run(
      [
        'import os',
        'import matplotlib',
        'cache = matplotlib.get_cachedir()',
        'print("cache:", cache, sorted(f for f in os.listdir(cache) if f.startswith("fontlist")))',
      ].join('\n'),
    );
    expect(logs).toMatch(/^cache: \/tmp\/matplotlib \['fontlist-v\d+\.json'\]/m);
  });

  it('runs the README example: input table in, summary and plot out', async () => {
    const read = (f: string) => fs.readFileSync(path.join(ROOT, 'examples/hello', f), 'utf8');
    const { job, logs } = await client.run(
      '',
      {},
      {
        code: undefined,
        code_files: {
          'main.py': `import warnings\nwarnings.simplefilter("error")\n${read('main.py')}`,
        },
        input_files: { 'data.csv': read('data.csv') },
      },
    );
    expect(job.status).toBe('succeeded');
    expect(logs).toContain('read 9 rows of city, day, temperature');
    expect(job.artifacts.sort()).toEqual(['plot.png', 'summary.csv']);
    const csv = await (await client.get(`/jobs/${job.id}/artifacts/summary.csv`)).text();
    expect(csv.split('\n')[0]).toBe('city,mean,min,max');
    expect(csv).toContain('Tokyo,8.4,7.7,9.4');
  });
});
