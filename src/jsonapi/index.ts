// The JSON:API door: its routes under /v1, and the documents for people and
// tools derived from the same resource descriptions (OpenAPI, Swagger UI,
// Postman collection).
import express from 'express';
import type { ContextBuilder } from '../auth/context.js';
import type { Config } from '../config.js';
import { DEFAULT_CLIENT_SECRET } from '../oauth/secrets.js';
import { DEMO_CLIENT_ID, PLAYGROUND_CLIENT_ID } from '../oauth/clients.js';
import type { Services } from '../resources/service.js';
import { docsRoutes } from './docs.js';
import { openApiDocument } from './openapi.js';
import { postmanCollection } from './postman.js';
import { jsonapiRoutes } from './routes.js';

export interface JsonApiRouterOptions {
  services: Services;
  auth: ContextBuilder;
  /** The server's address as clients see it, without a trailing slash. */
  publicUrl: string;
  config: Config;
}

export function jsonapiRouter({ services, auth, publicUrl, config }: JsonApiRouterOptions): express.Router {
  const router = express.Router();
  // The built-in authorization server's issuer (src/oauth/index.ts).
  const oauthBase = `${publicUrl}/oauth`;
  const openapi = JSON.stringify(openApiDocument({ publicUrl, oauthBase }));
  const postman = JSON.stringify(
    postmanCollection({
      publicUrl,
      oauthBase,
      clientId: DEMO_CLIENT_ID,
      clientSecret: !config.production && !config.devAuthServer.clientSecret ? DEFAULT_CLIENT_SECRET : '',
    }),
  );
  router.get(['/v1/openapi.json', '/v1/openapi.json/'], (_req, res) => {
    res.type('application/json').send(openapi);
  });
  router.get(['/v1/postman.json', '/v1/postman.json/'], (_req, res) => {
    res.type('application/json').setHeader('Content-Disposition', 'inline; filename="course-catalogue.postman_collection.json"');
    res.send(postman);
  });
  router.use(docsRoutes({ publicUrl, clientId: PLAYGROUND_CLIENT_ID }));
  router.use(jsonapiRoutes({ services, auth, publicUrl }));
  return router;
}
