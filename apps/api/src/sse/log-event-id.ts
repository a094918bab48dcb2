/**
 * SSE event ids name a line: `<stream entry id>.<line index within the entry>`. A reconnecting
 * client's Last-Event-ID therefore says exactly which line it saw last.
 */
export interface LogPosition {
  entryId: string;
  line: number;
}

export const formatEventId = (entryId: string, line: number) => `${entryId}.${line}`;

export function parseEventId(raw: string | undefined): LogPosition | null {
  const m = raw ? /^(\d+-\d+)\.(\d+)$/.exec(raw.trim()) : null;
  return m ? { entryId: m[1], line: Number(m[2]) } : null;
}
