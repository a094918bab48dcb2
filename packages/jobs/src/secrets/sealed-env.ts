import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * spec.env values sealed with AES-256-GCM under JOB_SECRETS_KEY, bound to their job id (the
 * additional data): a sealed file copied under another job does not open. The API seals, a
 * worker opens; neither Redis nor the file store ever holds the values in the clear.
 */
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** `{v, iv, tag, data}` in base64, as one line of JSON. */
export function sealEnv(env: Record<string, string>, key: Buffer, jobId: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(jobId));
  const data = Buffer.concat([cipher.update(JSON.stringify(env), 'utf8'), cipher.final()]);
  return JSON.stringify({
    v: VERSION,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  });
}

/** The values sealed by sealEnv; throws when the key or the job id is not the one they were sealed with. */
export function openSealedEnv(text: string, key: Buffer, jobId: string): Record<string, string> {
  const sealed = JSON.parse(text) as { v?: unknown; iv?: string; tag?: string; data?: string };
  if (sealed.v !== VERSION || !sealed.iv || !sealed.tag || !sealed.data)
    throw new Error("the job's sealed environment is not in a known form");
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(Buffer.from(jobId));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  let plain: string;
  try {
    plain = Buffer.concat([
      decipher.update(Buffer.from(sealed.data, 'base64')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new Error(
      "the job's sealed environment does not open: JOB_SECRETS_KEY differs from the API's",
    );
  }
  return JSON.parse(plain) as Record<string, string>;
}
