import type { RequestHandler } from 'express';

/** GET /openapi.json: the document is built once, at start, from the live schemas. */
export function getOpenApi(doc: Record<string, unknown>): RequestHandler {
  const body = JSON.stringify(doc);
  return (_req, res) => {
    res.type('application/json').send(body);
  };
}
