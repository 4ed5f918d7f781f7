// Liveness and readiness for load balancers and orchestrators.
import { Router } from 'express';
import type { Database } from '../db/database.js';

export function healthRoutes(db: Database): Router {
  const router = Router();
  // Liveness: the process is up and its event loop turns.
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Readiness: the database answers.
  router.get('/readyz', async (_req, res) => {
    try {
      await db.ping();
      res.json({ status: 'ready', database: db.kind });
    } catch {
      res.status(503).json({ status: 'unavailable', database: db.kind });
    }
  });
  return router;
}
