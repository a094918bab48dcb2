import { SseParser } from './sse-parser';

const all = (chunks: string[]) => {
  const p = new SseParser();
  return { events: chunks.flatMap((c) => p.push(c)), parser: p };
};

describe('SseParser', () => {
  it('parses id, event and data fields; data defaults to the message event', () => {
    const { events } = all([
      'id: 1-0.0\ndata: hello\n\nevent: end\ndata: {"status":"succeeded"}\n\n',
    ]);
    expect(events).toEqual([
      { event: 'message', data: 'hello', dataLines: ['hello'], lastEventId: '1-0.0' },
      {
        event: 'end',
        data: '{"status":"succeeded"}',
        dataLines: ['{"status":"succeeded"}'],
        lastEventId: '1-0.0',
      },
    ]);
  });

  it('accepts CRLF, CR and LF line endings, also a CRLF split across chunks', () => {
    const crlf = all(['id: a\r\ndata: one\r', '\n\r', '\nid: b\rdata: two\r\r']).events;
    expect(crlf.map((e) => [e.lastEventId, e.data])).toEqual([
      ['a', 'one'],
      ['b', 'two'],
    ]);
  });

  it('joins several data lines with LF and keeps them apart in dataLines', () => {
    const [e] = all(['data: 10%\ndata: 20%\ndata:30%\n\n']).events;
    expect(e.data).toBe('10%\n20%\n30%');
    expect(e.dataLines).toEqual(['10%', '20%', '30%']);
  });

  it('skips comments, counts them, and ignores unknown fields', () => {
    const { events, parser } = all([': keep-alive\n\n:x\nfoo: bar\ndata: y\n\n']);
    expect(events.map((e) => e.data)).toEqual(['y']);
    expect(parser.comments).toBe(2);
  });

  it('keeps an empty data line, and a value with no space after the colon', () => {
    const { events } = all(['data:\n\ndata:  two spaces\n\ndata\n\n']);
    expect(events.map((e) => e.data)).toEqual(['', ' two spaces', '']);
  });

  it('assembles events from any split of the text, one character at a time too', () => {
    const text = 'id: 7-0.0\ndata: héllo wörld\n\nid: 7-0.1\ndata: 二\n\n';
    const { events } = all(text.split(''));
    expect(events.map((e) => [e.lastEventId, e.data])).toEqual([
      ['7-0.0', 'héllo wörld'],
      ['7-0.1', '二'],
    ]);
  });

  it('never dispatches an event cut off by the end, nor lets its id count', () => {
    const p = new SseParser();
    expect(p.push('id: 1\ndata: whole\n\nid: 2\ndata: cut')).toHaveLength(1);
    expect(p.lastEventId).toBe('1');
    expect(p.push('\n')).toHaveLength(0);
    expect(p.lastEventId).toBe('1');
  });

  it('counts the id of an event with no data, without dispatching it', () => {
    const p = new SseParser();
    expect(p.push('id: 5\n\n')).toEqual([]);
    expect(p.lastEventId).toBe('5');
    expect(p.push('data: x\n\n')[0].lastEventId).toBe('5');
  });

  it('strips a leading byte order mark, reads retry, ignores an id holding NUL', () => {
    const { events, parser } = all(['\ufeffretry: 3000\nid: a\0b\ndata: x\n\n']);
    expect(events[0]).toMatchObject({ data: 'x', lastEventId: '' });
    expect(parser.retryMs).toBe(3000);
  });
});
