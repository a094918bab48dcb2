// The playground: write a program, run it as a job, watch its output live, then its verdict and
// artifacts. Everything a job produced reaches the page as text (textContent) or as a blob: URL
// of an <img>, never as markup.
import { ApiError, Unauthorized, api, apiKey, artifactPath, setApiKey } from './api.js';
import { parseCsv } from './csv.js';
import { followLog } from './sse.js';

const SAMPLE = `# Each print(..., flush=True) shows up live on the page;
# files written to $JOB_OUTPUT_DIR become artifacts.
import csv
import os
import time

import matplotlib.pyplot as plt

out = os.environ["JOB_OUTPUT_DIR"]

for step in range(1, 4):
    print(f"step {step} of 3", flush=True)
    time.sleep(0.7)

for name in sorted(os.listdir(os.environ["JOB_INPUT_DIR"])):
    print("input file:", name, flush=True)

xs = list(range(11))
ys = [x * x for x in xs]
plt.plot(xs, ys, marker="o")
plt.title("x squared")
plt.savefig(os.path.join(out, "plot.png"), dpi=80)

with open(os.path.join(out, "squares.csv"), "w", newline="") as f:
    writer = csv.writer(f)
    writer.writerow(["x", "x squared", "note"])
    for x, y in zip(xs, ys):
        writer.writerow([x, y, "even, fine" if x % 2 == 0 else 'odd "one"'])

print("wrote plot.png and squares.csv", flush=True)
`;

const CODE_ITEM = 'job-runner.code';
const IMAGE_TYPES = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  webp: 'image/webp',
};
const CSV_ROWS = 50;
const MAX_PREVIEWS = 24;
const MAX_IMAGE_PREVIEW = 20 * 1024 * 1024;
const MAX_CSV_READ = 1024 * 1024;
// queued < running < an end: a late poll answer never takes the badge backwards.
const RANK = { idle: 0, queued: 1, running: 2, succeeded: 3, failed: 3, canceled: 3 };

const $ = (id) => document.getElementById(id);
const els = {
  run: $('run'),
  cancel: $('cancel'),
  options: $('options'),
  inputFiles: $('input-files'),
  inputList: $('input-list'),
  auth: $('auth'),
  authMessage: $('auth-message'),
  apiKey: $('api-key'),
  forgetKey: $('forget-key'),
  message: $('message'),
  status: $('status'),
  phase: $('phase'),
  jobId: $('job-id'),
  facts: $('facts'),
  output: $('output'),
  artifacts: $('artifacts'),
};

// --- the editor ----------------------------------------------------------------------------

const ace = window.ace;
// Strict-CSP mode: Ace injects no <style>; its CSS comes from the files the page links.
ace.config.set('useStrictCSP', true);
ace.config.set('basePath', '/playground/ace');
const editor = ace.edit('code', {
  mode: 'ace/mode/python',
  theme: 'ace/theme/tomorrow',
  useWorker: false,
  fontSize: 14,
  tabSize: 4,
  useSoftTabs: true,
  showPrintMargin: false,
});
editor.setValue(readStored(CODE_ITEM) ?? SAMPLE, -1);
let saveTimer = 0;
editor.session.on('change', () => {
  clearTimeout(saveTimer);
  // The sample itself is not kept: a newer page's sample then reaches those who never edited it.
  saveTimer = setTimeout(() => {
    const code = editor.getValue();
    writeStored(CODE_ITEM, code === SAMPLE ? null : code);
  }, 500);
});
editor.commands.addCommand({
  name: 'run',
  bindKey: { win: 'Ctrl-Enter', mac: 'Command-Enter' },
  exec: () => void run(),
});
$('reset-code').addEventListener('click', () => {
  editor.setValue(SAMPLE, -1);
  writeStored(CODE_ITEM, null);
});

function readStored(item) {
  try {
    return localStorage.getItem(item);
  } catch {
    return null;
  }
}

function writeStored(item, value) {
  try {
    if (value === null) localStorage.removeItem(item);
    else localStorage.setItem(item, value);
  } catch {
    // storage full or disabled: the code just is not kept
  }
}

// --- the API key ---------------------------------------------------------------------------

let keyWaiters = [];

function askForKey(text) {
  els.authMessage.textContent = text;
  els.auth.hidden = false;
  els.apiKey.value = '';
  els.apiKey.focus();
  return new Promise((resolve) => keyWaiters.push(resolve));
}

els.auth.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const key = els.apiKey.value.trim();
  if (!key) return;
  setApiKey(key);
  els.apiKey.value = '';
  els.auth.hidden = true;
  els.forgetKey.hidden = false;
  const waiting = keyWaiters;
  keyWaiters = [];
  for (const resolve of waiting) resolve();
});

els.forgetKey.hidden = !apiKey();
els.forgetKey.addEventListener('click', () => {
  setApiKey(null);
  els.forgetKey.hidden = true;
});

/** Runs call(); on a 401 asks for a key (or another one) and runs it again. */
async function withKey(call) {
  for (;;) {
    const sent = apiKey();
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof Unauthorized)) throw err;
      // Another request may have been answered with a new key meanwhile: then just retry.
      if (apiKey() !== sent) continue;
      setApiKey(null);
      els.forgetKey.hidden = true;
      await askForKey(
        sent ? 'The server refused that API key: enter another.' : 'This server needs an API key.',
      );
    }
  }
}

// --- what the page shows -------------------------------------------------------------------

function showMessage(text, kind = 'error') {
  els.message.textContent = text;
  els.message.dataset.kind = kind;
  els.message.hidden = false;
}

function clearMessage() {
  els.message.hidden = true;
  els.message.textContent = '';
  for (const el of els.options.querySelectorAll('[aria-invalid]'))
    el.removeAttribute('aria-invalid');
}

function showError(err) {
  if (err instanceof ApiError) {
    showMessage(`${err.message} (HTTP ${err.status}${err.code ? `, ${err.code}` : ''})`);
    // Mark the inputs the server named (spec.timeout_sec -> the timeout_sec input).
    for (const field of err.fields) {
      const input = els.options.elements.namedItem(field.replace(/^spec\./, '').split('.')[0]);
      if (input) input.setAttribute('aria-invalid', 'true');
    }
  } else {
    showMessage(err instanceof Error ? err.message : String(err));
  }
}

function setStatus(status, phase) {
  els.status.textContent = status;
  els.status.dataset.status = status;
  els.phase.textContent = phase && phase !== status && phase !== 'finished' ? phase : '';
}

/** Moves the badge forward only: a slow answer never shows `queued` after `running`. */
function advanceStatus(status, phase) {
  if ((RANK[status] ?? 0) >= (RANK[els.status.dataset.status] ?? 0)) setStatus(status, phase);
}

const output = { pending: null, timer: 0 };

/** Queues a line; lines are added in batches, so a fast program does not redraw per line. */
function appendLine(text, className) {
  output.pending ??= document.createDocumentFragment();
  if (className) {
    const span = document.createElement('span');
    span.className = className;
    span.textContent = `${text}\n`;
    output.pending.append(span);
  } else {
    output.pending.append(`${text}\n`);
  }
  output.timer ||= setTimeout(flushOutput, 40);
}

function flushOutput() {
  clearTimeout(output.timer);
  output.timer = 0;
  if (!output.pending) return;
  const el = els.output;
  const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 30;
  el.append(output.pending);
  output.pending = null;
  if (atBottom) el.scrollTop = el.scrollHeight;
}

const programLine = (text) =>
  appendLine(text, text.startsWith('[job-runner]') ? 'platform-note' : undefined);
const pageNote = (text) => appendLine(`[playground] ${text}`, 'page-note');

const formatMs = (ms) =>
  ms === null || ms === undefined ? '—' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`;

function formatBytes(n) {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i ? n.toFixed(1) : n} ${units[i]}`;
}

function showFacts(view) {
  const facts = [
    ['exit_code', 'exit code', view.exit_code ?? '—'],
    ['error', 'error', view.error ?? 'none'],
    ['duration', 'duration', formatMs(view.duration_ms)],
    ['peak_memory', 'peak memory', formatBytes(view.peak_memory_bytes)],
    ['cpu_time', 'CPU time', formatMs(view.cpu_time_ms)],
    ['queue_wait', 'queue wait', formatMs(view.queue_wait_ms)],
    ['sandbox', 'sandbox', view.sandbox ?? '—'],
  ];
  els.facts.replaceChildren();
  for (const [key, label, value] of facts) {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.dataset.fact = key;
    dd.textContent = String(value);
    const pair = document.createElement('div');
    pair.append(dt, dd);
    els.facts.append(pair);
  }
  els.facts.hidden = false;
}

// Object URLs of shown artifacts, given back when another job replaces them.
let objectUrls = [];

function resetResult(id) {
  flushOutput();
  els.output.replaceChildren();
  els.facts.hidden = true;
  els.facts.replaceChildren();
  els.jobId.textContent = id ?? '—';
  for (const url of objectUrls) URL.revokeObjectURL(url);
  objectUrls = [];
  const hint = document.createElement('p');
  hint.className = 'muted';
  hint.textContent = 'Artifacts show here when the job ends.';
  els.artifacts.replaceChildren(hint);
  setStatus('queued');
}

function setRunning(running) {
  els.run.disabled = running;
  els.cancel.hidden = !running;
  els.cancel.disabled = false;
}

// --- artifacts -----------------------------------------------------------------------------

const extension = (name) => (/\.([a-z0-9]+)$/i.exec(name)?.[1] ?? '').toLowerCase();
const baseName = (name) => name.slice(name.lastIndexOf('/') + 1);

/** The artifact's bytes through the API (with the key), read only up to `limit`. */
async function readUpTo(res, limit) {
  const reader = res.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return { blob: new Blob(chunks), cut: false };
    chunks.push(value);
    size += value.length;
    if (size >= limit) {
      await reader.cancel();
      return { blob: new Blob(chunks), cut: true };
    }
  }
}

async function previewImage(path, name, box) {
  const res = await withKey(() => api(path));
  if (Number(res.headers.get('Content-Length')) > MAX_IMAGE_PREVIEW) {
    await res.body?.cancel();
    box.textContent = 'too large to preview';
    return;
  }
  // The type from the name: the server sends SVG as an attachment (octet-stream), and an <img>
  // of a blob needs the type to draw it. An <img> runs no script, whatever the file holds.
  const blob = new Blob([await res.arrayBuffer()], { type: IMAGE_TYPES[extension(name)] });
  const url = URL.createObjectURL(blob);
  objectUrls.push(url);
  const img = document.createElement('img');
  img.alt = name;
  img.src = url;
  box.append(img);
}

async function previewCsv(path, box) {
  const res = await withKey(() => api(path));
  const { blob, cut } = await readUpTo(res, MAX_CSV_READ);
  const parsed = parseCsv(await blob.text(), CSV_ROWS + 1);
  let rows = parsed.rows;
  // A read cut short may end inside a record: that one is left out.
  if (cut && !parsed.truncated) rows = rows.slice(0, -1);
  const more = parsed.truncated || cut;
  if (rows.length > CSV_ROWS) rows = rows.slice(0, CSV_ROWS);
  const table = document.createElement('table');
  const [head, ...body] = rows;
  if (head) {
    const tr = table.createTHead().insertRow();
    for (const cell of head) {
      const th = document.createElement('th');
      th.textContent = cell;
      tr.append(th);
    }
  }
  const tbody = table.createTBody();
  for (const row of body) {
    const tr = tbody.insertRow();
    for (const cell of row) tr.insertCell().textContent = cell;
  }
  const wrap = document.createElement('div');
  wrap.className = 'table-wrap';
  wrap.append(table);
  box.append(wrap);
  if (more) {
    const note = document.createElement('p');
    note.className = 'muted';
    note.textContent = `first ${rows.length} rows shown`;
    box.append(note);
  }
}

/** A download that carries the key: fetched, then saved from a blob: URL. */
async function downloadWithKey(path, name) {
  try {
    const res = await withKey(() => api(path));
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (err) {
    showError(err);
  }
}

async function showArtifacts(view) {
  const box = els.artifacts;
  box.replaceChildren();
  if (!view.artifacts.length) {
    const p = document.createElement('p');
    p.className = 'muted';
    p.textContent = 'No artifacts.';
    box.append(p);
    return;
  }
  const list = document.createElement('ul');
  list.className = 'artifact-list';
  const previews = [];
  for (const name of view.artifacts) {
    const path = artifactPath(view.id, name);
    const li = document.createElement('li');
    const link = document.createElement('a');
    link.href = path;
    link.download = baseName(name);
    link.textContent = name;
    // Without a key the browser downloads it itself; with one, the header must go along.
    link.addEventListener('click', (ev) => {
      if (!apiKey()) return;
      ev.preventDefault();
      void downloadWithKey(path, baseName(name));
    });
    li.append(link);
    const ext = extension(name);
    const kind = ext in IMAGE_TYPES ? 'image' : ext === 'csv' ? 'csv' : null;
    // A job may leave hundreds of files: only the first few are previewed.
    if (kind && previews.length < MAX_PREVIEWS) {
      const preview = document.createElement('div');
      preview.className = `preview preview-${kind}`;
      li.append(preview);
      previews.push(() =>
        (kind === 'image' ? previewImage(path, name, preview) : previewCsv(path, preview)).catch(
          (err) => {
            preview.textContent = `preview failed: ${err instanceof Error ? err.message : err}`;
          },
        ),
      );
    }
    list.append(li);
  }
  box.append(list);
  // A few requests at a time.
  for (let i = 0; i < previews.length; i += 4)
    await Promise.all(previews.slice(i, i + 4).map((show) => show()));
}

// --- a job ---------------------------------------------------------------------------------

let current = null;

/** Shows job `id`: its output from the start, live, then its verdict and artifacts. */
async function followJob(id, view) {
  current?.abort.abort();
  const job = { id, abort: new AbortController() };
  current = job;
  const { signal } = job.abort;
  resetResult(id);
  if (view) setStatus(view.status, view.phase);
  setRunning(true);
  // The stream carries lines, not the status: a light poll shows queued -> running -> ...
  const poll = setInterval(() => {
    api(`/jobs/${encodeURIComponent(id)}`, { signal })
      .then((res) => res.json())
      .then((body) => job === current && advanceStatus(body.job.status, body.job.phase))
      .catch(() => {}); // the stream reports what matters
  }, 2000);
  try {
    const verdict = await followLog({
      open: (lastId) =>
        withKey(() =>
          api(`/jobs/${encodeURIComponent(id)}/logs/stream`, {
            headers: {
              Accept: 'text/event-stream',
              ...(lastId ? { 'Last-Event-ID': lastId } : {}),
            },
            signal,
          }),
        ),
      onLine: (text) => {
        programLine(text);
        advanceStatus('running'); // a line means it runs, whatever the last poll said
      },
      onNote: pageNote,
      signal,
    });
    flushOutput();
    if (job !== current) return;
    if (verdict.status) setStatus(verdict.status);
    clearInterval(poll);
    const res = await withKey(() => api(`/jobs/${encodeURIComponent(id)}`, { signal }));
    const final = (await res.json()).job;
    setStatus(final.status, final.phase);
    showFacts(final);
    setRunning(false);
    await showArtifacts(final);
  } catch (err) {
    if (signal.aborted) return;
    flushOutput();
    showError(err);
  } finally {
    clearInterval(poll);
    if (job === current) setRunning(false);
  }
}

const readFileBase64 = (file) =>
  new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () =>
      resolve(String(reader.result).slice(String(reader.result).indexOf(',') + 1));
    reader.onerror = () => reject(new Error(`could not read ${file.name}`));
    reader.readAsDataURL(file);
  });

/** The spec from the form: an empty input leaves the field out (the server's default). */
function readSpec() {
  const form = els.options.elements;
  const spec = {};
  for (const name of ['timeout_sec', 'mem_limit_mb', 'cpu_limit']) {
    const value = form.namedItem(name).value.trim();
    if (value !== '') spec[name] = Number(value);
  }
  const lines = (name) =>
    form
      .namedItem(name)
      .value.split(/\r?\n/)
      .filter((line) => line.trim() !== '');
  const args = lines('args');
  if (args.length) spec.args = args;
  const env = {};
  for (const line of lines('env')) {
    const eq = line.indexOf('=');
    if (eq <= 0) {
      form.namedItem('env').setAttribute('aria-invalid', 'true');
      throw new Error(`env: "${line.trim()}" is not NAME=value`);
    }
    env[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  if (Object.keys(env).length) spec.env = env;
  return spec;
}

async function run() {
  if (els.run.disabled) return;
  clearMessage();
  els.run.disabled = true;
  let submitted = false;
  try {
    const body = { spec: readSpec(), code: editor.getValue() };
    const files = [...els.inputFiles.files];
    if (files.length) {
      body.input_files = {};
      for (const file of files)
        body.input_files[file.name] = { base64: await readFileBase64(file) };
    }
    const res = await withKey(() => api('/jobs', { method: 'POST', json: body }));
    const answer = await res.json();
    submitted = true;
    if (answer.warning) showMessage(answer.warning, 'warning');
    // The job's address: reload or share the URL to see it again.
    history.replaceState(null, '', `#job=${answer.job_id}`);
    await followJob(answer.job_id, answer.job);
  } catch (err) {
    showError(err);
  } finally {
    // From the submission on, followJob says when Run is back.
    if (!submitted) els.run.disabled = false;
  }
}

async function cancel() {
  if (!current) return;
  els.cancel.disabled = true;
  try {
    await withKey(() => api(`/jobs/${encodeURIComponent(current.id)}/cancel`, { method: 'POST' }));
    pageNote('cancel requested');
  } catch (err) {
    // 409: it ended meanwhile; the stream brings the verdict.
    if (!(err instanceof ApiError && err.status === 409)) showError(err);
  }
}

/** `#job=<id>`: the job to show (after a reload, or a link someone shared). */
async function openFromHash() {
  const id = /^#job=([^&]+)$/.exec(location.hash)?.[1];
  if (!id || id === current?.id) return;
  clearMessage();
  try {
    const res = await withKey(() => api(`/jobs/${encodeURIComponent(id)}`));
    const body = await res.json();
    await followJob(body.job_id, body.job);
  } catch (err) {
    showError(err);
  }
}

els.run.addEventListener('click', () => void run());
els.cancel.addEventListener('click', () => void cancel());
els.inputFiles.addEventListener('change', () => {
  els.inputList.replaceChildren(
    ...[...els.inputFiles.files].map((file) => {
      const li = document.createElement('li');
      li.textContent = `${file.name} (${formatBytes(file.size)})`;
      return li;
    }),
  );
});
window.addEventListener('hashchange', () => void openFromHash());
document.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey) && !els.auth.contains(ev.target)) {
    ev.preventDefault();
    void run();
  }
});

/** The spec's defaults and this server's caps, from its own API description. */
async function showSpecLimits() {
  const res = await fetch('/openapi.json');
  if (!res.ok) return;
  const props = (await res.json()).components?.schemas?.JobSpec?.properties ?? {};
  for (const name of ['timeout_sec', 'mem_limit_mb', 'cpu_limit']) {
    const input = els.options.elements.namedItem(name);
    const p = props[name] ?? {};
    if (p.default !== undefined) input.placeholder = String(p.default);
    if (p.maximum !== undefined) input.max = String(p.maximum);
    if (p.maximum !== undefined) input.title = `at most ${p.maximum} on this server`;
  }
}

void showSpecLimits().catch(() => {});
void openFromHash();
