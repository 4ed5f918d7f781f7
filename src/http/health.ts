// Liveness and readiness for load balancers and orchestrators.
import { Router } from 'express';
import type { Database } from '../db/database.js';

export function healthRoutes(db: Database, lifecycle?: { readonly draining: boolean }): Router {
  const router = Router();
  // Liveness: the process is up and its event loop turns.
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Readiness: not shutting down, and the primary answers. Each database is
  // reported; a read replica that does not answer is out of rotation (its
  // reads go elsewhere) and does not make the instance unready.
  router.get('/readyz', async (_req, res) => {
    const primary = await db.ping().then(
      () => 'up' as const,
      () => 'down' as const,
    );
    if (db.replicas) await db.replicas.check();
    const databases = [{ name: 'primary', status: primary }, ...(db.replicas?.status() ?? [])];
    const status = lifecycle?.draining ? 'draining' : primary === 'up' ? 'ready' : 'unavailable';
    res.status(status === 'ready' ? 200 : 503).json({ status, database: db.kind, databases });
  });
  return router;
}
