import { formatEventId, parseEventId } from './log-event-id';

describe('SSE event ids', () => {
  it('name a line of a stream entry, and read back', () => {
    expect(formatEventId('1700000000000-3', 7)).toBe('1700000000000-3.7');
    expect(parseEventId('1700000000000-3.7')).toEqual({ entryId: '1700000000000-3', line: 7 });
    expect(parseEventId(' 1-0.0 ')).toEqual({ entryId: '1-0', line: 0 });
  });

  it.each([undefined, '', 'nonsense', '17-3', '17.3', '17-3.x', '17-3.1.2', '-1-3.1'])(
    'refuse %j',
    (raw) => {
      expect(parseEventId(raw)).toBeNull();
    },
  );
});
