import { toBase64 } from './to-base64';

describe('toBase64', () => {
  it('encodes like Buffer does, across slice boundaries and with every padding', () => {
    for (const n of [0, 1, 2, 3, 4, 0x6000 - 1, 0x6000, 0x6000 + 1, 3 * 0x6000 + 2]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 131 + 7) % 256);
      expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    }
  });
});
