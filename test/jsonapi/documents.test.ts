// The documents for people and tools: OpenAPI 3.1 (validated), the Postman
// collection, and Swagger UI rendered in headless Chromium.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import { OPERATIONS, OPERATION_DESCRIPTIONS } from '../../src/resources/operations.js';
import { resourceList } from '../../src/resources/registry.js';
import { StandInIssuer } from '../support/issuer.mjs';
import { startTestServer, type TestServer } from '../support/server.js';
import { artifactPath, describeInBrowser, launchChromium } from '../support/browser.js';

let server: TestServer;
beforeAll(async () => {
  // The built-in authorization server on, as in local use.
  server = await startTestServer({ DEV_AUTH_SERVER: '1', DATA_DIR: mkdtempSync(join(tmpdir(), 'jsonapi-docs-')) });
});
afterAll(() => server.stop());

describe('OpenAPI', () => {
  test('/v1/openapi.json is a valid OpenAPI 3.1 document covering every endpoint with its scope', async () => {
    const res = await fetch(`${server.url}/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
    for (const d of resourceList) {
      expect(doc.paths[`/v1/${d.type}`].get.security).toEqual([{ oauth2: ['read'] }]);
      expect(doc.paths[`/v1/${d.type}`].post.security).toEqual([{ oauth2: ['create'] }]);
      expect(doc.paths[`/v1/${d.type}/{id}`].patch.security).toEqual([{ oauth2: ['update'] }]);
      expect(doc.paths[`/v1/${d.type}/{id}`].delete.security).toEqual([{ oauth2: ['delete'] }]);
      for (const r of d.relationships) {
        expect(doc.paths[`/v1/${d.type}/{id}/${r.external}`].get).toBeDefined();
        expect(doc.paths[`/v1/${d.type}/{id}/relationships/${r.external}`].patch).toBeDefined();
      }
      for (const a of d.attributes) expect(doc.components.schemas[`${d.type.replace(/(^|_)([a-z])/g, (_: string, __: string, c: string) => c.toUpperCase())}Attributes`].properties[a.external]).toBeDefined();
    }
    const flow = doc.components.securitySchemes.oauth2.flows.authorizationCode;
    expect(flow.authorizationUrl).toMatch(/\/oauth\/auth$/);
    expect(flow.tokenUrl).toMatch(/\/oauth\/token$/);
    const courseFilters = doc.paths['/v1/courses'].get.parameters.find((p: { name: string }) => p.name === 'filter').schema.properties;
    expect(Object.keys(courseFilters)).toEqual(expect.arrayContaining(['search', 'course_terms.term_identifier.icontains', 'course_name.regex']));
  });

  test('the authorization and token URLs it names are the built-in server\'s', async () => {
    const meta = await (await fetch(`${server.url}/oauth/.well-known/openid-configuration`)).json();
    const doc = await (await fetch(`${server.url}/v1/openapi.json`)).json();
    const flow = doc.components.securitySchemes.oauth2.flows.authorizationCode;
    expect(new URL(flow.authorizationUrl).pathname).toBe(new URL(meta.authorization_endpoint).pathname);
    expect(new URL(flow.tokenUrl).pathname).toBe(new URL(meta.token_endpoint).pathname);
  });
});

describe('the built-in server\'s details', () => {
  test('come from the app: the door imports nothing from src/oauth', () => {
    const dir = new URL('../../src/jsonapi/', import.meta.url);
    const importers = readdirSync(dir).filter((f) => /from '\.\.\/oauth\//.test(readFileSync(new URL(f, dir), 'utf8')));
    expect(importers).toEqual([]);
  });

  test('OpenAPI\'s scopes are described where the operations are (src/resources/operations.ts)', async () => {
    const doc = await (await fetch(`${server.url}/v1/openapi.json`)).json();
    // The catalogue's operations; `audit` (GET /v1/audit_events) is a scope of outside issuers, not of the built-in server's sign-in.
    expect(doc.components.securitySchemes.oauth2.flows.clientCredentials.scopes).toEqual(Object.fromEntries(OPERATIONS.map((o) => [o, OPERATION_DESCRIPTIONS[o]])));
  });

  test('without the built-in server: bearer tokens in OpenAPI and Postman, no sign-in in Swagger UI', async () => {
    const issuer = await StandInIssuer.start();
    const outside = await startTestServer(issuer.env);
    try {
      const doc = await (await fetch(`${outside.url}/v1/openapi.json`)).json();
      const result = await new Validator().validate(doc);
      expect(result.errors ?? []).toEqual([]);
      expect(doc.components.securitySchemes).toEqual({ bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }) });
      expect(doc.paths['/v1/courses'].post.security).toEqual([{ bearer: ['create'] }]);
      const collection = await (await fetch(`${outside.url}/v1/postman.json`)).json();
      expect(collection.auth).toEqual({ type: 'bearer', bearer: [{ key: 'token', value: '{{accessToken}}', type: 'string' }] });
      expect(collection.event).toBeUndefined();
      expect(JSON.stringify(collection)).not.toContain('/oauth/');
      const script = await (await fetch(`${outside.url}/docs/swagger-initializer.js`)).text();
      expect(script).not.toContain('initOAuth');
    } finally {
      await outside.stop();
      await issuer.stop();
    }
  });
});

describe('Postman', () => {
  test('/v1/postman.json is a v2.1 collection with one request per operation and OAuth 2.0 pre-filled', async () => {
    const res = await fetch(`${server.url}/v1/postman.json`);
    expect(res.status).toBe(200);
    const collection = await res.json();
    expect(collection.info.schema).toBe('https://schema.getpostman.com/json/collection/v2.1.0/collection.json');
    const auth = Object.fromEntries(collection.auth.oauth2.map((e: { key: string; value: unknown }) => [e.key, e.value]));
    const variables = Object.fromEntries(collection.variable.map((v: { key: string; value: unknown }) => [v.key, v.value]));
    expect(auth).toMatchObject({ grant_type: 'authorization_code_with_pkce', clientId: '{{clientId}}', accessToken: '{{accessToken}}', redirect_uri: 'https://oauth.pstmn.io/v1/callback' });
    expect(variables).toMatchObject({ clientId: 'demo_client', clientSecret: 'demo_client_secret', tokenUrl: `${server.url}/oauth/token`, scope: 'read create update delete' });
    expect(auth.authUrl).toMatch(/\/oauth\/auth$/);
    expect(auth.accessTokenUrl).toMatch(/\/oauth\/token$/);
    const doc = await (await fetch(`${server.url}/v1/openapi.json`)).json();
    const operations = Object.values(doc.paths as Record<string, Record<string, unknown>>).reduce((n, item) => n + Object.keys(item).filter((k) => k !== 'parameters').length, 0);
    // The atomic-operations folder tries one operation (POST /v1/operations) twice: adding, then removing.
    const requests = collection.item.reduce((n: number, folder: { name: string; item: unknown[] }) => n + (folder.name === 'Atomic operations' ? 1 : folder.item.length), 0);
    expect(requests).toBe(operations);
    // The first folder creates (the import order), each resource type once.
    const creates = collection.item[0].item as { request: { method: string; body: { raw: string }; header: unknown[] } }[];
    expect(creates.map((c) => c.request.method)).toEqual(resourceList.map(() => 'POST'));
    const create = creates[0]!;
    expect(resourceList.map((d) => d.type)).toContain(JSON.parse(create.request.body.raw).data.type);
    expect(create.request.header).toContainEqual({ key: 'Content-Type', value: 'application/vnd.api+json' });
  });
});

describeInBrowser('Swagger UI', () => {
  test('/docs renders in headless Chromium from the bundled swagger-ui-dist, with PKCE sign-in wired to /oauth', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const external: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith(server.url) && !r.url().startsWith(server.url.replace('127.0.0.1', 'localhost')) && !r.url().startsWith('data:')) external.push(r.url());
      });
      const res = await page.goto(`${server.url}/docs`);
      expect(res?.status()).toBe(200);
      await page.waitForSelector('.swagger-ui .info .title', { timeout: 20_000 });
      expect(await page.textContent('.swagger-ui .info .title')).toContain('Course catalogue');
      await page.waitForSelector('.opblock-tag-section');
      // One section per resource type, and one for the atomic operations.
      expect(await page.locator('.opblock-tag-section').count()).toBe(resourceList.length + 1);
      await page.screenshot({ path: artifactPath('swagger-ui.png'), fullPage: false });
      // Sign in through the Authorize dialog: authorization code + PKCE with the
      // public client against the built-in server, back via oauth2-redirect.html.
      const authRequests: URL[] = [];
      page.context().on('request', (r) => {
        const u = new URL(r.url());
        if (u.pathname === '/oauth/auth') authRequests.push(u);
      });
      await page.click('button.authorize');
      await page.waitForSelector('.auth-container');
      const popupPromise = page.context().waitForEvent('page');
      const codeFlow = page.locator('.auth-container', { hasText: 'authorizationCode' }).first();
      await codeFlow.locator('input[type=checkbox]').first().check().catch(() => undefined);
      await page.screenshot({ path: artifactPath('swagger-ui-authorize.png') });
      await codeFlow.locator('button.authorize').click();
      const popup = await popupPromise;
      await popup.waitForSelector('#username');
      const auth = authRequests[0]!;
      expect(auth.searchParams.get('client_id')).toBe('playground');
      expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
      expect(auth.searchParams.get('redirect_uri')).toBe(`${server.url}/docs/oauth2-redirect.html`);
      await popup.fill('#username', 'user1');
      await popup.fill('#password', 'user1pass');
      await popup.click('button[type=submit]');
      await popup.waitForSelector('button[value=allow]');
      await popup.click('button[value=allow]');
      await page.locator('.auth-container button', { hasText: 'Logout' }).first().waitFor({ timeout: 20_000 });
      await page.locator('.auth-container button', { hasText: 'Close' }).first().click();
      // Try GET /v1/courses with the token just obtained.
      await page.click('#operations-courses-list_courses .opblock-summary');
      await page.click('#operations-courses-list_courses button.try-out__btn');
      const tried = page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/courses');
      await page.click('#operations-courses-list_courses button.execute');
      const response = await tried;
      expect([response.url(), response.status(), await response.text()]).toEqual([response.url(), 200, expect.any(String)]);
      await page.waitForSelector('#operations-courses-list_courses .live-responses-table tbody td.response-col_status', { timeout: 20_000 });
      expect((await page.textContent('#operations-courses-list_courses .live-responses-table tbody td.response-col_status'))?.trim()).toBe('200');
      await page.screenshot({ path: artifactPath('swagger-ui-try-it-out.png'), fullPage: true });
      expect(external).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
