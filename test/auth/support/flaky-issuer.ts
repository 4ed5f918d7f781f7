// The metadata and JWKS endpoints of an issuer whose failure can be switched on
// and off: answering, answering 500, answering only after the caller gave up,
// or refusing connections (its port closed, then reopened at the same port).
// It counts the requests it receives; refused connection attempts never reach
// it, so those are counted from Node's own fetch (undici) diagnostics channel,
// which reports every failed connection of this process.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import diagnostics from 'node:diagnostics_channel';
import type { JWK } from 'jose';

export type FlakyMode = 'normal' | 'error' | 'slow' | 'refused';

export class FlakyIssuer {
  issuer = '';
  jwksUri = '';
  port = 0;
  /** What the JWKS endpoint answers; the metadata endpoint follows `metadataMode`. */
  jwksMode: FlakyMode = 'normal';
  metadataMode: Exclude<FlakyMode, 'refused'> = 'normal';
  jwksRequests = 0;
  metadataRequests = 0;
  /** Connections to this port that were refused (mode 'refused'). */
  refusedConnections = 0;
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly onConnectError = (message: unknown) => {
    const port = (message as { connectParams?: { port?: unknown } }).connectParams?.port;
    if (Number(port) === this.port) this.refusedConnections++;
  };

  /** `keys` gives the public keys to publish at each request, e.g. a stand-in server's. */
  private constructor(private readonly keys: () => JWK[]) {}

  static async start(keys: () => JWK[]): Promise<FlakyIssuer> {
    const flaky = new FlakyIssuer(keys);
    await flaky.listen(0);
    flaky.issuer = `http://127.0.0.1:${flaky.port}`;
    flaky.jwksUri = `${flaky.issuer}/jwks`;
    diagnostics.subscribe('undici:client:connectError', flaky.onConnectError);
    return flaky;
  }

  /** All requests it counts: JWKS and metadata, plus refused connections. */
  get attempts(): number {
    return this.jwksRequests + this.metadataRequests + this.refusedConnections;
  }

  async setJwksMode(mode: FlakyMode): Promise<void> {
    const wasRefusing = this.jwksMode === 'refused';
    this.jwksMode = mode;
    if (mode === 'refused' && !wasRefusing) await this.close();
    if (mode !== 'refused' && wasRefusing) await this.listen(this.port);
  }

  async stop(): Promise<void> {
    diagnostics.unsubscribe('undici:client:connectError', this.onConnectError);
    await this.close();
  }

  private async listen(port: number): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  private async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.url?.startsWith('/.well-known/')) {
      // Both places a client may look (OIDC Discovery, RFC 8414); only the first is published.
      this.metadataRequests++;
      if (req.url === '/.well-known/openid-configuration') return this.answer(res, this.metadataMode, { issuer: this.issuer, jwks_uri: this.jwksUri });
      if (this.metadataMode === 'slow') return;
      return void res.writeHead(this.metadataMode === 'error' ? 500 : 404).end();
    }
    if (req.url === '/jwks') {
      this.jwksRequests++;
      return this.answer(res, this.jwksMode, { keys: this.keys() });
    }
    res.writeHead(404).end();
  }

  private answer(res: ServerResponse, mode: FlakyMode, body: unknown): void {
    if (mode === 'error') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
      return;
    }
    // 'slow': no answer until the caller gives up and closes the connection.
    if (mode === 'slow') return;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}
