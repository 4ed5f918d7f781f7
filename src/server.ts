// The server's life: open the database, migrate, load demo data, listen, and
// shut down gracefully (stop accepting, finish in-flight requests, close the
// database) on SIGTERM/SIGINT.
import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { applyMigrations } from './db/migrations.js';
import { loadDemoDataIfEmpty } from './resources/demo-data.js';
import { createApp, type AppHandle } from './http/app.js';
import { createLogger, type Logger } from './http/logger.js';
import { assertResourcesMatchSchema } from './resources/registry.js';
import { startObservability } from './observability/start.js';

export interface RunningServer {
  url: string;
  server: Server;
  db: Database;
  logger: Logger;
  /** /metrics on METRICS_PORT, when set. */
  metricsUrl?: string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** An already open database (tests); otherwise opened from the config and closed on shutdown. */
  db?: Database;
  logger?: Logger;
}

/**
 * Node's limits against slow or idle clients (HTTP_* settings): the whole
 * header block within headersTimeout (also a connection that sends nothing),
 * the whole request within requestTimeout, each answered 408 and closed; an
 * idle keep-alive connection closed after keepAliveTimeout (the default, 65 s,
 * outlasts common load balancers' 60 s idle timeout, so they close first).
 * Node has none for the other direction: see enforceSendTimeout.
 */
function serverOptions(config: Config): ServerOptions {
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs } = config.http;
  return {
    headersTimeout: headersTimeoutMs,
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    // Node checks the two timeouts on this interval (30 s by default, which
    // would let a 10 s headers timeout stretch to 40 s); a quarter of the
    // shorter one keeps the overshoot small, at one pass over open requests.
    connectionsCheckingInterval: Math.max(25, Math.min(1_000, Math.floor(headersTimeoutMs / 4))),
  };
}

/**
 * A response must be handed entirely to the OS (its 'finish') within
 * `sendTimeoutMs` of its headers being written, or its connection is
 * destroyed. Node has no such limit: a client that asks and never reads holds
 * its connection, and the unsent answer in memory, for as long as it likes
 * (requestTimeout covers receiving only, the keep-alive timer starts once a
 * response is finished, and Node's idle timeout, server.timeout, is put off
 * by every few bytes a trickling reader takes). Timed from the headers, not
 * the request, so a slow handler is not taken for a slow reader. Checked on
 * an interval, as Node checks its own timeouts (a response object cannot
 * carry the timer: Express swaps its prototype), so a deadline may be
 * overshot by up to half of it. What the OS has accepted it sends on its own;
 * such a connection then idles under the keep-alive timeout.
 * Returns the function that stops the checks.
 */
function enforceSendTimeout(server: Server, sendTimeoutMs: number, onExpiry: () => void): () => void {
  if (sendTimeoutMs <= 0) return () => undefined;
  /** Responses in flight: when their headers were first seen written, 0 until then. */
  const inFlight = new Map<ServerResponse, number>();
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    inFlight.set(res, 0);
    const done = () => inFlight.delete(res);
    res.once('finish', done);
    res.once('close', done);
  });
  const every = Math.max(25, Math.min(1_000, Math.floor(sendTimeoutMs / 4)));
  const timer = setInterval(() => {
    const now = Date.now();
    for (const [res, since] of inFlight) {
      if (!since) {
        if (res.headersSent) inFlight.set(res, now);
      } else if (now - since >= sendTimeoutMs) {
        inFlight.delete(res);
        onExpiry();
        // The request's socket: a response queued behind a pipelined one has none of its own yet.
        res.req.socket.destroy();
      }
    }
  }, every).unref();
  return () => clearInterval(timer);
}

/** A warning at most every 10 s, with how many times it happened since the last one. */
function throttledWarning(logger: Logger, message: string): (details?: Record<string, unknown>) => void {
  let count = 0;
  let last = 0;
  return (details) => {
    count++;
    const now = Date.now();
    if (now - last < 10_000) return;
    last = now;
    logger.warn({ count, ...details }, message);
    count = 0;
  };
}

/**
 * At most `max` open connections from one client address: without it one
 * address can take all HTTP_MAX_CONNECTIONS slots. Connections past the cap
 * are closed at once, as Node does past maxConnections. Behind a proxy every
 * connection comes from the proxy's address, hence off (0) by default with
 * TRUST_PROXY=1. Addresses are compared as the socket reports them (IPv6
 * addresses one by one, not by prefix).
 */
function capConnectionsPerAddress(server: Server, max: number, logger: Logger): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  const warn = throttledWarning(logger, 'connection refused: HTTP_MAX_CONNECTIONS_PER_ADDRESS reached');
  // After Node's own 'connection' listener, so the socket it set up is torn down the usual way.
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined) return; // already closed
    const count = (open.get(address) ?? 0) + 1;
    if (count > max) {
      socket.destroy();
      warn({ address });
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  // Descriptions that disagree with prisma/schema.prisma stop the start, naming the field.
  assertResourcesMatchSchema();
  const logger = options.logger ?? createLogger(config.logLevel);
  const ownsDb = !options.db;
  const { readUrls, replicaCheckMs } = config.database;
  const onReplicaChange = (name: string, status: 'up' | 'down', error?: unknown) =>
    status === 'down' ? logger.warn({ replica: name, err: { message: (error as Error | undefined)?.message } }, 'read replica out of rotation; its reads go elsewhere') : logger.info({ replica: name }, 'read replica back in rotation');
  const db = options.db ?? (await openDatabase({ url: config.database.url, dataDir: config.database.dataDir, poolSize: config.database.poolSize, statementTimeoutMs: config.database.statementTimeoutMs, readUrls, replicaCheckMs, onReplicaChange }));
  try {
    if (config.database.migrateOnStart) {
      const applied = await applyMigrations(db.migrationAdapterFactory);
      if (applied.length) logger.info({ applied }, 'applied migrations');
    }
    if (config.database.demoData) {
      const summary = await loadDemoDataIfEmpty(db);
      if (summary) logger.info({ summary }, 'loaded the demo catalogue');
    }
  } catch (error) {
    if (ownsDb) await db.close();
    throw error;
  }

  // Listen first so that the public URL (and the built-in issuer) can use the
  // real port when PORT=0. Until the app is assembled, a request is answered
  // 503 with Retry-After rather than left waiting.
  const starting = (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1', connection: 'close' });
    res.end(JSON.stringify({ status: 'starting' }));
  };
  const server = createServer(serverOptions(config), starting);
  /** Set on shutdown (./http/health.ts answers /readyz 503 from then on). */
  const lifecycle = { draining: false };
  // Before the app's listener: while draining, no response leaves its connection open for another request.
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (lifecycle.draining) res.setHeader('connection', 'close');
  });
  server.maxConnections = config.http.maxConnections;
  // Connections past HTTP_MAX_CONNECTIONS are closed at once by Node.
  const dropped = throttledWarning(logger, 'connection refused: HTTP_MAX_CONNECTIONS reached');
  server.on('drop', () => dropped());
  capConnectionsPerAddress(server, config.http.maxConnectionsPerAddress, logger);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const stopSendTimeout = enforceSendTimeout(server, config.http.sendTimeoutMs, throttledWarning(logger, 'connection closed: response not sent within HTTP_SEND_TIMEOUT_MS'));
  const { port } = server.address() as AddressInfo;
  const publicUrl = config.publicUrl.replace(`:${config.port}`, `:${port}`);
  let app: AppHandle;
  // Metrics (METRICS_PORT) and the audit trail's table retention: before the app, whose middleware they shape.
  let observability: Awaited<ReturnType<typeof startObservability>> | undefined;
  try {
    observability = await startObservability({ config, db, logger });
    app = await createApp({ config, db, logger, publicUrl, lifecycle });
  } catch (error) {
    await observability?.close();
    stopSendTimeout();
    await new Promise((resolve) => server.close(resolve));
    if (ownsDb) await db.close();
    throw error;
  }
  server.off('request', starting);
  server.on('request', app.app);
  // The built-in issuer's keys come from this very server: fetch them now that it answers.
  await app.warm();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      // Draining: /readyz answers 503 and every response closes its connection (a proxy opens new
      // ones elsewhere) for SHUTDOWN_DRAIN_MS while requests are still served; then the port closes.
      lifecycle.draining = true;
      if (config.shutdownDrainMs) await new Promise((resolve) => setTimeout(resolve, config.shutdownDrainMs));
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
      await done;
      clearTimeout(timer);
      stopSendTimeout();
      await app.close();
      await observability?.close();
      if (ownsDb) await db.close();
    })());

  logger.info({ url: publicUrl, database: db.kind }, 'listening');
  return { url: publicUrl, server, db, logger, metricsUrl: observability.metricsUrl, close };
}
