// Server-Sent Events over fetch(). EventSource cannot send an Authorization header, and a key
// must never go in a URL, so the page reads the stream itself: the same parsing rules as the
// EventSource standard, and its resumption (Last-Event-ID) done by hand.

/**
 * Parses an SSE body, calling onEvent({type, data, id}) per event. Resolves when the body ends;
 * rejects when the connection breaks (or the signal aborts the fetch).
 */
export async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let type = '';
  let data = [];
  let id = null;
  const line = (text) => {
    if (text === '') {
      // A blank line ends an event; one with no data line dispatches nothing (the standard).
      if (data.length) onEvent({ type: type || 'message', data: data.join('\n'), id });
      type = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) return; // a comment: the server's keep-alive
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') type = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    // Lines end with CRLF, LF or CR; a CR at the end of a chunk may be half of a CRLF.
    const re = /\r\n|\r(?!$)|\n/g;
    let start = 0;
    for (let m = re.exec(buffer); m; m = re.exec(buffer)) {
      line(buffer.slice(start, m.index));
      start = m.index + m[0].length;
    }
    buffer = buffer.slice(start);
  }
}

const sleep = (ms, signal) =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * Follows a job's log to its `end` event and resolves with that event's verdict
 * ({status, exit_code, error}). open(lastEventId) makes the request (it adds the key and the
 * Last-Event-ID header); a connection that drops before the end is opened again after the last
 * line seen, so no line is lost or shown twice. Errors of open() (a 404, a 401) are thrown.
 */
export async function followLog({ open, onLine, onNote, signal }) {
  let lastId = null;
  let failures = 0;
  for (;;) {
    let verdict = null;
    try {
      const res = await open(lastId);
      failures = 0;
      await readEvents(res.body, (ev) => {
        if (ev.type === 'message') {
          if (ev.id !== null) lastId = ev.id;
          onLine(ev.data);
        } else if (ev.type === 'end') {
          try {
            verdict = JSON.parse(ev.data);
          } catch {
            verdict = {};
          }
        } else if (ev.type === 'error') {
          onNote(`stream error: ${ev.data}`);
        }
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      // HTTP errors are the caller's; a broken connection is retried below.
      if (err && typeof err.status === 'number') throw err;
    }
    if (verdict) return verdict;
    if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
    failures += 1;
    if (failures > 20) throw new Error('the log stream keeps breaking; reload the page to retry');
    onNote(`connection lost; reconnecting (attempt ${failures})`);
    await sleep(Math.min(500 * 2 ** failures, 8000), signal);
  }
}
