/** Standard base64 of bytes, with no Buffer (the client runs wherever fetch does). */
export function toBase64(bytes: Uint8Array): string {
  let out = '';
  // btoa takes a "binary string"; build it in slices, since apply() has an argument limit.
  const step = 0x6000; // a multiple of 3: no padding between slices
  for (let i = 0; i < bytes.length; i += step) {
    out += btoa(String.fromCharCode(...bytes.subarray(i, i + step)));
  }
  return out;
}
