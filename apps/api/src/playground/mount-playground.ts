import path from 'node:path';
import express, { type Express, type RequestHandler } from 'express';

/**
 * The page's own files. They live outside src, in the package's `playground` folder, so the
 * same relative path finds them from `src/playground` (ts-jest, ts-node) and from
 * `dist/playground` (the compiled build; the image keeps `apps/api/playground` and drops src).
 */
const PAGE_DIR = path.resolve(__dirname, '../../playground');

// The editor, from the installed package: the page must work offline, with no CDN.
const ACE_DIR = path.dirname(require.resolve('ace-builds/package.json'));

/**
 * Scripts and styles from this origin only, never inline, so job output that somehow reached
 * the DOM as markup still could not run. Ace runs in its strict-CSP mode (its CSS comes as files,
 * not injected <style> elements), which is why styles need no 'unsafe-inline'. Images may be
 * blob: URLs (artifacts fetched with the API key) and data: URLs (a few of Ace's icons).
 */
export const PLAYGROUND_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const pageHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('Content-Security-Policy', PLAYGROUND_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // Job ids sit in the page's URL (#job=...); no other site needs to learn them.
  res.setHeader('Referrer-Policy', 'no-referrer');
  next();
};

const staticFiles = (dir: string) => express.static(dir, { index: false, fallthrough: true });

/**
 * `GET /`: a page to write a program, run it and watch it (live output, verdict, artifacts).
 * Public like /docs: it is only files; every API call it makes carries the user's key.
 */
export function mountPlayground(app: Express): void {
  app.get('/', pageHeaders, (_req, res) => {
    res.sendFile('index.html', { root: PAGE_DIR });
  });
  app.use('/playground/ace', pageHeaders, staticFiles(path.join(ACE_DIR, 'src-min-noconflict')));
  app.use('/playground/ace-css', pageHeaders, staticFiles(path.join(ACE_DIR, 'css')));
  app.use('/playground', pageHeaders, staticFiles(PAGE_DIR));
}
