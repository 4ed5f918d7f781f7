// Opens the database in one of its two forms: embedded PostgreSQL (PGlite) in
// a data folder, or a real PostgreSQL server when a URL is given. Both use the
// same Prisma schema, migrations and generated client.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool as PgPool } from 'pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaClient } from '../generated/prisma/client.js';
import { withReplicas, type ReplicaRouter, type ReplicaRouterOptions } from './replicas.js';
import { statementName } from './statement-names.js';

export type Prisma = PrismaClient<'query'>;

export interface DatabaseOptions {
  /** postgres:// URL; without it, PGlite in dataDir. */
  url?: string;
  /** A folder, or "memory://" for a throw-away database (tests). */
  dataDir?: string;
  poolSize?: number;
  /**
   * PostgreSQL only: every statement of the app's pool is stopped after this
   * many milliseconds (statement_timeout, SQLSTATE 57014); 0 or unset: never.
   * Migrations have a connection of their own without it. PGlite cannot stop
   * a statement (it runs on this thread, without timers), so there the regex
   * screen and the other input limits are the guard.
   */
  statementTimeoutMs?: number;
  /** PostgreSQL only: read replicas (DATABASE_READ_URLS), routed by ./replicas.ts. */
  readUrls?: readonly string[];
  replicaCheckMs?: number;
  onReplicaChange?: ReplicaRouterOptions['onChange'];
  /** PGlite in memory only: start from this data folder (a dumpDataDir() tarball) instead of a new one. */
  pgliteDataDir?: Blob;
}

export interface Database {
  kind: 'pglite' | 'postgres';
  prisma: Prisma;
  /**
   * For the schema engine (migrations). On PostgreSQL it has one connection of
   * its own: Prisma Migrate takes a session-level advisory lock, and a pool
   * could release it on another connection than the one that took it, leaving
   * it held until that idle connection closes (and the next migration waiting).
   */
  migrationAdapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** Called with the SQL of every query the client runs and its duration (tests count them; metrics time them). */
  onQuery(listener: (sql: string, durationMs: number) => void): () => void;
  /** PostgreSQL: the app pool's connections (for the pool gauges, src/observability/metrics.ts). */
  poolState?(): { totalCount: number; idleCount: number; waitingCount: number };
  ping(): Promise<void>;
  close(): Promise<void>;
  /** The read replicas, when DATABASE_READ_URLS names any. */
  replicas?: ReplicaRouter;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    // Sent in each connection's start-up packet, so it holds for every statement on it.
    const statementTimeout = options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {};
    // A pool of our own (ended with the client) so that its state can be read.
    const pool = new PgPool({ connectionString: options.url, max: options.poolSize ?? 10, ...statementTimeout });
    // Prepared statements: parsed and planned once per connection (./statement-names.ts).
    const adapterFactory = new PrismaPg(pool, { disposeExternalPool: true, statementNameGenerator: statementName });
    const migrationAdapterFactory = new PrismaPg({ connectionString: options.url, max: 1, idleTimeoutMillis: 1_000 });
    const database = { ...wrap('postgres', adapterFactory, migrationAdapterFactory, async () => {}), poolState: () => pool };
    if (!options.readUrls?.length) return database;
    return withReplicas(database, {
      urls: options.readUrls,
      poolSize: options.poolSize ?? 10,
      statementTimeoutMs: options.statementTimeoutMs,
      checkMs: options.replicaCheckMs ?? 2_000,
      onChange: options.onReplicaChange,
    });
  }
  const dataDir = options.dataDir ?? './data';
  let pg: PGlite;
  if (dataDir.startsWith('memory://')) {
    pg = new PGlite(options.pgliteDataDir ? { loadDataDir: options.pgliteDataDir } : {});
  } else {
    const folder = resolve(dataDir, 'pglite');
    await mkdir(folder, { recursive: true });
    pg = new PGlite(folder);
  }
  await pg.waitReady;
  // PGlite is one connection already: the app and migrations share it.
  const adapterFactory = new PrismaPGlite(pg);
  return wrap('pglite', adapterFactory, adapterFactory, () => pg.close());
}

function wrap(
  kind: Database['kind'],
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  migrationAdapterFactory: SqlMigrationAwareDriverAdapterFactory,
  closeDriver: () => Promise<void>,
): Database {
  const prisma = new PrismaClient({ adapter: adapterFactory, log: [{ emit: 'event', level: 'query' }] });
  const listeners = new Set<(sql: string, durationMs: number) => void>();
  prisma.$on('query', (event) => {
    for (const listener of listeners) listener(event.query, event.duration);
  });
  let closed = false;
  return {
    kind,
    prisma,
    migrationAdapterFactory,
    onQuery(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async ping() {
      await prisma.$queryRawUnsafe('SELECT 1');
    },
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      await closeDriver();
    },
  };
}
