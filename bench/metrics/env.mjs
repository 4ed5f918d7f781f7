// Starts this server with extra settings: startApiServer forks with a copy of
// process.env taken synchronously, so the settings are put there for the call
// and taken back at once.
import { startApiServer } from '../targets.mjs';

export function startWithEnv(ctx, env) {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return startApiServer(ctx);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
