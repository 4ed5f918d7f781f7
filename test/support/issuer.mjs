// The stand-in for a foreign token issuer, shared by the tests and the
// benchmarks (plain .mjs so that `node bench/…` runs it without a build; types
// in issuer.d.mts). A real node:http server with real keys (jose) serving OIDC
// discovery or RFC 8414 metadata, a JWKS and RFC 7662 introspection, and the
// means to mint tokens the way such a server would, or hostile ones.
// Point the server at it with `issuer.env` (OAUTH_ISSUER/AUDIENCE/JWKS_URI).
//
// Its endpoints can be made to fail (answer 500, answer only after the caller
// gave up, refuse connections) and it counts the requests it receives.
// Refused connection attempts never reach it, so those are counted from Node's
// own fetch (undici) diagnostics channel, which reports every failed
// connection of this process.
import { randomBytes } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export async function newSigningKey(alg = 'RS256') {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomBytes(6).toString('hex');
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export class StandInIssuer {
  issuer = '';
  audience;
  jwksUri = '';
  introspectionUrl = '';
  clientId;
  clientSecret;
  keys = [];
  /** What introspection does: answer, 503, answer late (slowMs), or answer broken JSON. */
  introspectionMode = 'normal';
  slowMs = 5_000;
  /** What the metadata endpoints do: answer, 500, or answer only after the caller gave up. */
  metadataMode = 'normal';
  jwksRequests = 0;
  metadataRequests = 0;
  introspectionRequests = 0;
  /** Connections to its port that were refused (JWKS mode 'refused'). */
  refusedConnections = 0;
  opaque = new Map();
  #options;
  #server;
  #port = 0;
  #jwksMode = 'normal';
  #sockets = new Set();
  #onConnectError = (message) => {
    if (Number(message?.connectParams?.port) === this.#port) this.refusedConnections++;
  };

  constructor(options = {}) {
    this.#options = options;
    this.audience = options.audience ?? 'https://api.example.edu';
    this.clientId = options.clientId ?? 'resource-server';
    this.clientSecret = options.clientSecret ?? 'resource-server-secret';
  }

  static async start(options = {}) {
    const issuer = new StandInIssuer(options);
    issuer.keys = [await newSigningKey()];
    await issuer.#listen(0);
    const origin = `http://127.0.0.1:${issuer.#port}`;
    issuer.issuer = `${origin}${options.issuerPath ?? ''}`;
    issuer.jwksUri = `${origin}/jwks`;
    issuer.introspectionUrl = `${origin}/introspect`;
    diagnostics.subscribe('undici:client:connectError', issuer.#onConnectError);
    return issuer;
  }

  /** What the JWKS endpoint does: answer, 500, answer only after the caller gave up, or refuse connections. */
  get jwksMode() {
    return this.#jwksMode;
  }

  /** 'refused' closes its port (every endpoint refuses) and reopens the same port when it ends. */
  async setJwksMode(mode) {
    const wasRefusing = this.#jwksMode === 'refused';
    this.#jwksMode = mode;
    if (mode === 'refused' && !wasRefusing) await this.#close();
    if (mode !== 'refused' && wasRefusing) await this.#listen(this.#port);
  }

  /** Every request it counts (JWKS and metadata) plus refused connections. */
  get attempts() {
    return this.jwksRequests + this.metadataRequests + this.refusedConnections;
  }

  /** Settings for the API server: trust this issuer (its JWKS named), no built-in authorization server. */
  get env() {
    return { OAUTH_ISSUER: this.issuer, OAUTH_AUDIENCE: this.audience, OAUTH_JWKS_URI: this.jwksUri, DEV_AUTH_SERVER: '0' };
  }

  get currentKey() {
    return this.keys[0];
  }

  async stop() {
    diagnostics.unsubscribe('undici:client:connectError', this.#onConnectError);
    await this.#close();
  }

  async #listen(port) {
    const server = createServer((req, res) => this.#handle(req, res).catch(() => res.destroy()));
    server.on('connection', (s) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    this.#server = server;
    this.#port = server.address().port;
  }

  async #close() {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    for (const s of this.#sockets) s.destroy();
    await new Promise((resolve) => server.close(() => resolve()));
  }

  /** Key rotation: a new key signs from now on; the old one stays published unless dropped. */
  async rotate(options = {}) {
    const key = await newSigningKey();
    this.keys = options.dropOld ? [key] : [key, ...this.keys];
    return key;
  }

  /** An ordinary caller's access token for this audience with these scopes; claims override the defaults. */
  token(scope, claims = {}) {
    const { expiresIn = '10m', ...rest } = claims;
    return this.sign({ client_id: 'test_client', sub: 'tester', scope: typeof scope === 'string' ? scope : scope.join(' '), ...rest }, { expiresIn });
  }

  /** A JWT access token as RFC 9068 describes it; anything can be overridden to make it hostile. */
  sign(claims = {}, options = {}) {
    const key = options.key ?? this.currentKey;
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: key.alg, kid: options.kid ?? key.kid };
    if (options.typ !== null) header.typ = options.typ ?? 'at+jwt';
    return new SignJWT({ client_id: 'web-app', sub: 'user1', scope: 'read', iat: now, jti: randomBytes(8).toString('hex'), ...claims })
      .setProtectedHeader(header)
      .setIssuer(claims.iss ?? this.issuer)
      .setAudience(claims.aud ?? options.audience ?? this.audience)
      .setExpirationTime(claims.exp ?? options.expiresIn ?? '5m')
      .sign(key.privateKey);
  }

  /** An opaque token that introspection will describe with these claims. */
  issueOpaque(claims = {}) {
    const token = randomBytes(24).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    this.opaque.set(token, { active: true, client_id: 'web-app', sub: 'user1', scope: 'read', exp: now + 300, iat: now, iss: this.issuer, token_type: 'Bearer', ...claims });
    return token;
  }

  async #handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = this.#options.issuerPath ?? '';
    const origin = new URL(this.jwksUri).origin;
    const metadata = {
      issuer: this.issuer,
      jwks_uri: this.jwksUri,
      introspection_endpoint: this.introspectionUrl,
      // Named for clients that look (the GraphQL playground's sign-in); not served.
      authorization_endpoint: `${origin}/auth`,
      token_endpoint: `${origin}/token`,
    };
    const mode = this.#options.metadata ?? 'openid-configuration';
    if (url.pathname.includes('/.well-known/')) {
      // Every place a client may look counts (OIDC Discovery, RFC 8414); only the chosen one is published.
      this.metadataRequests++;
      const published =
        (mode === 'openid-configuration' && url.pathname === `${path}/.well-known/openid-configuration`) ||
        // RFC 8414 §3.1 puts the well-known segment before the issuer's path.
        (mode === 'oauth-authorization-server' && url.pathname === `/.well-known/oauth-authorization-server${path}`);
      if (this.metadataMode === 'slow') return; // no answer until the caller gives up and closes the connection
      if (this.metadataMode === 'error') return failed(res);
      return published && req.method === 'GET' ? json(res, 200, metadata) : json(res, 404, { error: 'not_found' });
    }
    if (req.method === 'GET' && url.pathname === '/jwks') {
      this.jwksRequests++;
      if (this.#jwksMode === 'slow') return;
      if (this.#jwksMode === 'error') return failed(res);
      return json(res, 200, { keys: this.keys.map((k) => k.publicJwk) });
    }
    if (req.method === 'POST' && url.pathname === '/introspect') return this.#introspect(req, res);
    json(res, 404, { error: 'not_found' });
  }

  async #introspect(req, res) {
    this.introspectionRequests++;
    if (this.introspectionMode === 'down') return json(res, 503, { error: 'temporarily_unavailable' });
    if (this.introspectionMode === 'slow') {
      // Answers late, or never if the caller gives up first (no timer outlives the test).
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, this.slowMs);
        res.on('close', () => (clearTimeout(timer), resolve()));
      });
      if (res.destroyed || res.writableEnded) return;
    }
    if (this.introspectionMode === 'broken') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"active": tru');
    }
    // RFC 7662 §2.1: the caller must authenticate; HTTP Basic per RFC 6749 §2.3.1.
    const expected = `Basic ${Buffer.from(`${encodeURIComponent(this.clientId)}:${encodeURIComponent(this.clientSecret)}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return json(res, 401, { error: 'invalid_client' });
    let body = '';
    for await (const chunk of req) body += chunk;
    const token = new URLSearchParams(body).get('token') ?? '';
    json(res, 200, this.opaque.get(token) ?? { active: false });
  }
}

function failed(res) {
  res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
}

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
