// Swagger UI at /docs, served from the swagger-ui-dist package (no CDN), with
// sign-in through the built-in authorization server when it is on:
// authorization code + PKCE with its public client, redirected back to
// /docs/oauth2-redirect.html.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import express from 'express';
import type { SignInServer } from './sign-in.js';

const swaggerUiDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

export interface DocsOptions {
  publicUrl: string;
  /** The built-in authorization server (passed in by the app), or null: no sign-in, a token is pasted. */
  signIn: SignInServer | null;
}

const indexHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Course catalogue API: JSON:API</title>
<link rel="stylesheet" href="./swagger-ui.css">
<link rel="icon" type="image/png" href="./favicon-32x32.png" sizes="32x32">
</head>
<body>
<div id="swagger-ui"></div>
<script src="./swagger-ui-bundle.js"></script>
<script src="./swagger-ui-standalone-preset.js"></script>
<script src="./swagger-initializer.js"></script>
</body>
</html>
`;

function initializer({ publicUrl, signIn }: DocsOptions): string {
  const config = {
    url: `${publicUrl}/v1/openapi.json`,
    dom_id: '#swagger-ui',
    deepLinking: true,
    layout: 'StandaloneLayout',
    persistAuthorization: true,
    oauth2RedirectUrl: `${publicUrl}/docs/oauth2-redirect.html`,
  };
  const oauth = signIn && { clientId: signIn.browserClientId, usePkceWithAuthorizationCodeGrant: true, scopes: signIn.signInScopes, appName: 'Course catalogue' };
  return `window.onload = function () {
  const config = ${JSON.stringify(config)};
  config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset];
  config.plugins = [SwaggerUIBundle.plugins.DownloadUrl];
  window.ui = SwaggerUIBundle(config);
${oauth ? `  window.ui.initOAuth(${JSON.stringify(oauth)});\n` : ''}};
`;
}

export function docsRoutes(options: DocsOptions): express.Router {
  const router = express.Router({ strict: true });
  const script = initializer(options);
  router.get('/docs', (_req, res) => res.redirect(301, '/docs/'));
  router.get(['/docs/', '/docs/index.html'], (_req, res) => {
    res.type('html').send(indexHtml);
  });
  router.get('/docs/swagger-initializer.js', (_req, res) => {
    res.type('application/javascript').send(script);
  });
  router.use('/docs', express.static(swaggerUiDir, { index: false, maxAge: '1h' }));
  return router;
}
