import { JSON_BODY_BUDGET, submissionBody } from './submission-body';

const json = (body: string | FormData) => JSON.parse(body as string);

describe('submissionBody', () => {
  it('sends code as the JSON shorthand, with the spec as given', () => {
    const b = submissionBody({ code: 'print(1)', spec: { timeout_sec: 5 } });
    expect(b.form).toBe('json');
    expect(b.headers['content-type']).toBe('application/json');
    expect(json(b.body)).toEqual({ spec: { timeout_sec: 5 }, code: 'print(1)' });
  });

  it('sends text as strings and bytes as base64', () => {
    const b = submissionBody({
      codeFiles: { 'main.py': 'print(2)' },
      inputFiles: { 'a.bin': Uint8Array.of(0, 255, 1), 'b.txt': 'hé' },
    });
    expect(json(b.body)).toEqual({
      spec: {},
      code_files: { 'main.py': 'print(2)' },
      input_files: { 'a.bin': { base64: 'AP8B' }, 'b.txt': 'hé' },
    });
  });

  it('makes the first code file the entry when there is no main.py and no entry', () => {
    expect(json(submissionBody({ codeFiles: { 'app.py': '', 'lib.py': '' } }).body).spec).toEqual({
      entry: 'app.py',
    });
    expect(json(submissionBody({ codeFiles: { 'lib.py': '', 'main.py': '' } }).body).spec).toEqual(
      {},
    );
    expect(
      json(submissionBody({ codeFiles: { 'a.py': '' }, spec: { entry: 'b.py' } }).body).spec,
    ).toEqual({ entry: 'b.py' });
  });

  it('switches to multipart past the JSON budget, or when asked', async () => {
    const big = new Uint8Array(JSON_BODY_BUDGET);
    const b = submissionBody({ code: 'print(3)', inputFiles: { 'big.bin': big } });
    expect(b.form).toBe('multipart');
    const form = b.body as FormData;
    expect(JSON.parse(form.get('spec') as string)).toEqual({});
    const code = form.get('code_files') as File;
    expect(code.name).toBe('main.py');
    expect(await code.text()).toBe('print(3)');
    expect((form.get('input_files') as File).size).toBe(big.byteLength);
    expect(submissionBody({ code: 'x' }, 'multipart').form).toBe('multipart');
  });
});
