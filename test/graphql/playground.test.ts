// The playground in headless Chromium with every request outside the server
// refused: it loads from node_modules, signs in with PKCE against the
// built-in authorization server, sends the bearer header, and runs a query;
// a pasted token works too. Screenshots go to test-artifacts/ (gitignored).
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { DEMO_AUTH, startOAuthServer, type OAuthTestServer } from '../oauth/support/oauth-server.js';
import { artifactPath, describeInBrowser, launchChromium } from '../support/browser.js';

describeInBrowser('the playground in a browser', () => {


  let server: OAuthTestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startOAuthServer({ DEMO_DATA: '1', OAUTH_POLICY_FILE: '' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** A page that may only talk to the server: anything else is aborted and recorded. */
  async function offlinePage(): Promise<{ page: Page; refused: string[]; graphqlAuth: (string | undefined)[] }> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const refused: string[] = [];
    const graphqlAuth: (string | undefined)[] = [];
    const origin = new URL(server.url).origin;
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      refused.push(url);
      return route.abort('internetdisconnected');
    });
    page.on('request', (r) => {
      if (r.url() === `${server.url}/graphql` && r.method() === 'POST') graphqlAuth.push(r.headers().authorization);
    });
    return { page, refused, graphqlAuth };
  }

  async function runQueryAndRead(page: Page): Promise<string> {
    await page.locator('.graphiql-execute-button').click();
    await page.waitForFunction(() => /"totalCount"/.test(document.querySelector('.graphiql-response')?.textContent ?? ''), undefined, { timeout: 20_000 });
    return (await page.locator('.graphiql-response').textContent()) ?? '';
  }

  test('signs in with PKCE (public client), sends the bearer header and runs a query, all offline', async () => {
    const { page, refused, graphqlAuth } = await offlinePage();
    const res = await page.goto(`${server.url}/graphql`);
    expect(res?.status()).toBe(200);
    await page.waitForSelector('.graphiql-container', { timeout: 20_000 });

    await Promise.all([page.waitForURL(/\/oauth\/interaction\//), page.click('#sign-in')]);
    await page.getByLabel('User name').fill('user1');
    await page.getByLabel('Password').fill('user1pass');
    await page.click('button[type=submit]');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${server.url}/graphql`);
    await page.waitForFunction(() => /Signed in/.test(document.getElementById('status')?.textContent ?? ''), undefined, { timeout: 20_000 });

    const result = await runQueryAndRead(page);
    expect(result).toContain('"totalCount": 10');
    expect(result).toContain('ACCT7022B'); // the first by course identifier (the editor renders only visible lines)
    expect(graphqlAuth.some((h) => /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(h ?? ''))).toBe(true);
    await page.screenshot({ path: artifactPath('graphql-playground.png') });
    expect(refused).toEqual([]);
    await page.close();
  });

  test('a pasted token (npm run token) goes into the Authorization header; without one the API says UNAUTHENTICATED', async () => {
    const tokenResponse = await fetch(server.endpoint('/token'), {
      method: 'POST',
      headers: { authorization: DEMO_AUTH, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read' }),
    });
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
    const { page, refused, graphqlAuth } = await offlinePage();
    await page.goto(`${server.url}/graphql`);
    await page.waitForSelector('.graphiql-container', { timeout: 20_000 });

    await page.locator('.graphiql-execute-button').click();
    await page.waitForFunction(() => /UNAUTHENTICATED/.test(document.querySelector('.graphiql-response')?.textContent ?? ''), undefined, { timeout: 20_000 });

    await page.fill('#token', token);
    await page.click('#use-token');
    await page.waitForSelector('.graphiql-container');
    const result = await runQueryAndRead(page);
    expect(result).toContain('"totalCount": 10');
    expect(graphqlAuth).toContain(`Bearer ${token}`);
    await page.screenshot({ path: artifactPath('graphql-playground-pasted-token.png') });
    expect(refused).toEqual([]);
    await page.close();
  });
});
