// Sign-in and consent in a real browser (Debian's headless Chromium, driven by
// playwright-core), with the keyboard only, as the GraphQL playground's public
// PKCE client. Keeps a screenshot of the consent page in test-artifacts/.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { jwtClaims, startOAuthServer, type OAuthTestServer } from './support/oauth-server.js';
import { pkcePair, postForm } from './support/http.js';
import { artifactPath, describeInBrowser, launchChromium } from '../support/browser.js';

describeInBrowser('sign-in and consent in a browser', () => {


  let server: OAuthTestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startOAuthServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a person signs in and consents with the keyboard; the playground gets a token without the unticked scope', async () => {
    const page = await browser.newPage();
    const redirectUri = `${server.url}/docs/oauth2-redirect.html`;
    // The callback page is Swagger UI's business; here it only has to be reached.
    await page.route(`${redirectUri}?**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>callback</title>' }));

    const { verifier, challenge } = pkcePair();
    const scope = 'openid read delete auth-columbia demo-djt-sla-bronze';
    const query = new URLSearchParams({ client_id: 'playground', response_type: 'code', redirect_uri: redirectUri, scope, state: 'b1', code_challenge: challenge, code_challenge_method: 'S256' });
    await page.goto(`${server.endpoint('/auth')}?${query}`);

    // Sign-in page: the user name field has focus; Tab to the password; Enter submits.
    await expect(page.title()).resolves.toMatch(/^Sign in/);
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('username');
    await page.keyboard.type('user1');
    await page.keyboard.press('Tab');
    await page.keyboard.type('user1pass');
    await Promise.all([page.waitForURL(/\/oauth\/interaction\//), page.keyboard.press('Enter')]);

    // Consent page: every requested scope, each a labelled checkbox, ticked.
    await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
    for (const s of scope.split(' ')) await expect(page.getByRole('checkbox', { name: new RegExp(s) }).isChecked()).resolves.toBe(true);
    const remove = page.getByRole('checkbox', { name: /Delete from the course catalogue/ });
    await remove.focus();
    await page.keyboard.press('Space');
    await expect(remove.isChecked()).resolves.toBe(false);
    await page.screenshot({ path: artifactPath('oauth-consent.png'), fullPage: true });

    await page.getByRole('button', { name: 'Allow' }).focus();
    await Promise.all([page.waitForURL((url) => url.toString().startsWith(redirectUri)), page.keyboard.press('Enter')]);
    const callback = new URL(page.url());
    expect(callback.searchParams.get('state')).toBe('b1');
    const code = callback.searchParams.get('code')!;

    // A public client: no secret, the PKCE verifier proves it is the same one.
    const tokens = await postForm(server.endpoint('/token'), { grant_type: 'authorization_code', client_id: 'playground', code, redirect_uri: redirectUri, code_verifier: verifier });
    expect(tokens.status).toBe(200);
    const granted = String(jwtClaims(tokens.body.access_token as string).scope).split(' ');
    expect(granted).toContain('read');
    expect(granted).not.toContain('delete');
    await page.close();
  });

  test('a wrong password is announced on the sign-in page', async () => {
    const page = await browser.newPage();
    const { challenge } = pkcePair();
    const query = new URLSearchParams({ client_id: 'playground', response_type: 'code', redirect_uri: `${server.url}/graphql`, scope: 'read', code_challenge: challenge, code_challenge_method: 'S256' });
    await page.goto(`${server.endpoint('/auth')}?${query}`);
    await page.getByLabel('User name').fill('user2');
    await page.getByLabel('Password').fill('nope');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/not right/);
    // The password field has focus again, the user name is kept.
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('password');
    await expect(page.getByLabel('User name').inputValue()).resolves.toBe('user2');
    await page.close();
  });
});
