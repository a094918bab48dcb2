import type { RequestHandler } from 'express';

/**
 * The human page over /openapi.json: Swagger UI from the swagger-ui-dist package, served by this
 * process (no CDN), with its initialiser as a file rather than an inline script.
 */
export const docsPage: RequestHandler = (_req, res) => {
  res.type('html').send(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>job-runner API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`);
};

export const docsInit: RequestHandler = (_req, res) => {
  res
    .type('application/javascript')
    .send("window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' });\n");
};
