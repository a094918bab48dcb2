/**
 * Submissions the OpenAPI document offers as examples: each runs as it is ("Try it out" in
 * /docs sends the first), and a test submits every one of them.
 */
export const jsonSubmissionExamples = {
  hello: {
    summary: 'One line of Python',
    value: { code: "print('hello from the sandbox')" },
  },
  'csv-in-csv-out': {
    summary: 'An input file, an argument, an artifact',
    value: {
      spec: { timeout_sec: 30, args: ['2'] },
      code_files: {
        'main.py': [
          'import os, sys',
          'import pandas as pd',
          "df = pd.read_csv(os.path.join(os.environ['JOB_INPUT_DIR'], 'data.csv'))",
          "print(df['y'].sum())",
          'out = os.path.join(os.environ["JOB_OUTPUT_DIR"], "head.csv")',
          'df.head(int(sys.argv[1])).to_csv(out, index=False)',
        ].join('\n'),
      },
      input_files: { 'data.csv': 'x,y\n1,2\n3,4\n5,6\n' },
    },
  },
  'binary-input': {
    summary: 'A binary input file, as base64',
    value: {
      code: "import os\nprint(len(open(os.environ['JOB_INPUT_DIR'] + '/blob.bin', 'rb').read()), 'bytes')",
      input_files: { 'blob.bin': { base64: 'AAECAwQ=' } },
    },
  },
} as const;

/** The multipart form's spec field, as text (the form carries it as a JSON string). */
export const multipartSpecExample = '{"timeout_sec": 30}';
