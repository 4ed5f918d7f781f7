// The sign-in and consent steps of the authorization code flow. oidc-provider
// sends the browser to /oauth/interaction/:uid when it needs a person; these
// routes show our pages and hand the outcome back (interactionFinished), after
// which oidc-provider resumes the authorization request.
import express, { type Request, type Response, type Router } from 'express';
import { errors, type InteractionResults } from 'oidc-provider';
import type Provider from 'oidc-provider';
import type { Logger } from '../http/logger.js';
import type { UserDirectory } from './accounts.js';
import { consentPage, errorPage, signInPage } from './pages.js';
import type { FailureThrottle } from './throttle.js';
import { countThrottleHit } from '../observability/metrics.js';

interface InteractionDeps {
  provider: Provider;
  users: UserDirectory;
  /** Counts wrong passwords per user name and address (src/oauth/throttle.ts). */
  throttle: FailureThrottle;
  logger: Logger;
  /** Path of the interaction pages as the browser sees them, e.g. /oauth/interaction. */
  basePath: string;
}

/** A form field: one string, else undefined (duplicates and nested values are not accepted). */
function field(body: unknown, name: string): string | undefined {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** A repeatable form field (checkboxes): the strings given, in order. */
function fields(body: unknown, name: string): string[] {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function sendPage(res: Response, status: number, html: string): void {
  res.status(status).type('html').set('Cache-Control', 'no-store').send(html);
}

class BadForm extends Error {}

export function interactionRoutes({ provider, users, throttle, logger, basePath }: InteractionDeps): Router {
  const router = express.Router();
  router.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 100 }));

  const clientName = async (clientId: unknown): Promise<string> => {
    const client = typeof clientId === 'string' ? await provider.Client.find(clientId) : undefined;
    return client?.clientName ?? (typeof clientId === 'string' ? clientId : 'the application');
  };

  // Every failure becomes a page a person can read, with a 4xx unless it is our bug.
  const handle =
    (step: (req: Request, res: Response) => Promise<void>) =>
    async (req: Request, res: Response): Promise<void> => {
      try {
        await step(req, res);
      } catch (error) {
        if (error instanceof errors.OIDCProviderError) {
          sendPage(res, error.statusCode, errorPage('This sign-in request cannot continue', { error: error.error, description: error.error_description }));
        } else if (error instanceof BadForm) {
          sendPage(res, 400, errorPage('The form was not filled in as expected', { error: 'invalid_request', description: error.message }));
        } else {
          logger.error({ err: error }, 'oauth interaction failed');
          sendPage(res, 500, errorPage('Something went wrong on our side', { error: 'server_error' }));
        }
      }
    };

  router.get(
    '/:uid',
    handle(async (req, res) => {
      const interaction = await provider.interactionDetails(req, res);
      const { uid, prompt, params, session } = interaction;
      const name = await clientName(params.client_id);
      if (prompt.name === 'login') {
        sendPage(res, 200, signInPage({ action: `${basePath}/${uid}/login`, abortAction: `${basePath}/${uid}/abort`, clientName: name }));
      } else if (prompt.name === 'consent') {
        sendPage(res, 200, consentPage({ action: `${basePath}/${uid}/confirm`, clientName: name, username: session?.accountId ?? '', scopes: requestedScopes(prompt.details) }));
      } else {
        throw new errors.InvalidRequest(`this server does not handle the "${prompt.name}" prompt`);
      }
    }),
  );

  router.post(
    '/:uid/login',
    handle(async (req, res) => {
      const interaction = await provider.interactionDetails(req, res);
      if (interaction.prompt.name !== 'login') throw new errors.InvalidRequest('this sign-in request does not expect a password');
      const username = field(req.body, 'username')?.trim();
      const password = field(req.body, 'password');
      if (!username || !password) throw new BadForm('both username and password are required');
      const again = async (error: string) =>
        signInPage({
          action: `${basePath}/${interaction.uid}/login`,
          abortAction: `${basePath}/${interaction.uid}/abort`,
          clientName: await clientName(interaction.params.client_id),
          username,
          error,
        });
      // Express's req.ip follows TRUST_PROXY, as the token endpoint's address does.
      const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
      // Refused before the password is looked at, so that a guesser learns nothing while blocked (RFC 6585 §4).
      const wait = await throttle.blockedFor(username, address);
      if (wait) {
        countThrottleHit('oauth_sign_in_failures');
        res.set('Retry-After', String(wait));
        sendPage(res, 429, await again(`Too many failed sign-ins. Please try again in ${wait < 120 ? `${wait} seconds` : `${Math.ceil(wait / 60)} minutes`}.`));
        return;
      }
      const user = await users.authenticate(username, password);
      if (!user) {
        await throttle.failed(username, address);
        sendPage(res, 401, await again('The user name or password is not right. Please try again.'));
        return;
      }
      await throttle.succeeded(username, address);
      await provider.interactionFinished(req, res, { login: { accountId: user.username } }, { mergeWithLastSubmission: false });
    }),
  );

  router.post(
    '/:uid/confirm',
    handle(async (req, res) => {
      const interaction = await provider.interactionDetails(req, res);
      const { prompt, params, session } = interaction;
      if (prompt.name !== 'consent' || !session?.accountId) throw new errors.InvalidRequest('this sign-in request does not expect a consent decision');
      const decision = field(req.body, 'decision');
      if (decision === 'deny') {
        await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'the user denied access' }, { mergeWithLastSubmission: false });
        return;
      }
      if (decision !== 'allow') throw new BadForm('decision must be "allow" or "deny"');

      const ticked = new Set(fields(req.body, 'scope'));
      ticked.add('openid'); // not optional: see consentPage
      const grant = interaction.grantId
        ? await provider.Grant.find(interaction.grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: String(params.client_id) });
      if (!grant) throw new errors.InvalidRequest('the grant of this sign-in request has expired');

      // Unticked scopes are recorded as rejected, so oidc-provider does not ask
      // again for them and leaves them out of the tokens.
      const details = prompt.details as ConsentDetails;
      const oidcScopes = details.missingOIDCScope ?? [];
      const allowedOidc = oidcScopes.filter((s) => ticked.has(s));
      const rejectedOidc = oidcScopes.filter((s) => !ticked.has(s));
      if (allowedOidc.length) grant.addOIDCScope(allowedOidc.join(' '));
      if (rejectedOidc.length) grant.rejectOIDCScope(rejectedOidc.join(' '));
      if (details.missingOIDCClaims?.length) grant.addOIDCClaims(details.missingOIDCClaims);
      for (const [resource, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
        const allowed = scopes.filter((s) => ticked.has(s));
        const rejected = scopes.filter((s) => !ticked.has(s));
        if (allowed.length) grant.addResourceScope(resource, allowed.join(' '));
        if (rejected.length) grant.rejectResourceScope(resource, rejected.join(' '));
      }
      const grantId = await grant.save();
      const result: InteractionResults = { consent: { grantId } };
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
    }),
  );

  router.post(
    '/:uid/abort',
    handle(async (req, res) => {
      await provider.interactionDetails(req, res); // only a live interaction of this browser may be aborted
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'the user cancelled the sign-in' }, { mergeWithLastSubmission: false });
    }),
  );

  // The body parser's refusals (too large, bad encoding) as pages too, not Express's default with a stack trace.
  router.use((error: unknown, _req: Request, res: Response, next: express.NextFunction) => {
    const status = (error as { status?: unknown }).status;
    if (typeof status !== 'number' || status < 400 || status >= 500) return next(error);
    sendPage(res, status, errorPage('The form could not be read', { error: 'invalid_request', description: (error as Error).message }));
  });

  return router;
}

interface ConsentDetails {
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

/** Every scope awaiting the user's decision, OpenID ones first, each once. */
function requestedScopes(details: unknown): string[] {
  const d = details as ConsentDetails;
  return [...new Set([...(d.missingOIDCScope ?? []), ...Object.values(d.missingResourceScopes ?? {}).flat()])];
}
