// The API-wide budget per caller: requests per minute through either door, and
// GraphQL cost (the records an operation may return, as the operation limits
// estimate it) per minute. Off unless API_REQUESTS_PER_MINUTE /
// GRAPHQL_COST_PER_MINUTE are set. Counters live where the other throttles'
// do (src/throttle/limiters.ts): this process's memory, or Redis with
// REDIS_URL so that every instance counts together.
//
// Every answer carries the IETF RateLimit-Policy and RateLimit fields
// (draft-ietf-httpapi-ratelimit-headers: `"name";q=quota;w=window` and
// `"name";r=remaining;t=seconds-to-reset`); a refusal is 429 with Retry-After
// (RFC 6585 §4).
import type { ServerResponse } from 'node:http';
import type { BuildableRequest, ContextBuilder } from '../auth/context.js';
import { RateLimitedError } from '../auth/errors.js';
import type { Principal, RequestContext } from '../auth/types.js';
import { isRateLimited, retryAfterSeconds, type LimiterStore, type RateLimiterAbstract, type RateLimiterRes } from '../throttle/limiters.js';
import { countThrottleHit } from '../observability/metrics.js';

export type BudgetKind = 'requests' | 'cost';

export interface BudgetSettings {
  /** Requests per minute per caller; 0: no budget. */
  requestsPerMinute: number;
  /** GraphQL cost per minute per caller; 0: no budget. */
  costPerMinute: number;
}

const WINDOW_S = 60;

/** Who a budget belongs to: the token's client and user at its issuer, or the address of an anonymous caller. */
export function budgetKey(principal: Principal | null, address: string | undefined): string {
  if (!principal) return `address ${address ?? 'unknown'}`;
  return `token ${principal.issuer} ${principal.clientId ?? ''} ${principal.subject}`;
}

export interface ApiBudget {
  readonly enabled: boolean;
  /** Whether GraphQL operations spend their cost. */
  readonly costEnabled: boolean;
  /** Spends points of one kind; sets the RateLimit fields on `res`; throws RateLimitedError when the budget is spent. */
  spend(kind: BudgetKind, key: string, points: number, res?: Pick<ServerResponse, 'setHeader' | 'getHeader' | 'headersSent'>): Promise<void>;
}

/** `store` may be left out only when both budgets are off. */
export function createApiBudget(settings: BudgetSettings, store: LimiterStore | undefined): ApiBudget {
  const limiters: Partial<Record<BudgetKind, { limiter: RateLimiterAbstract; quota: number }>> = {};
  if ((settings.requestsPerMinute > 0 || settings.costPerMinute > 0) && !store) throw new Error('an API budget needs a limiter store');
  if (settings.requestsPerMinute > 0) {
    limiters.requests = { quota: settings.requestsPerMinute, limiter: store!.createLimiter({ keyPrefix: 'api:requests', points: settings.requestsPerMinute, duration: WINDOW_S }) };
  }
  if (settings.costPerMinute > 0) {
    limiters.cost = { quota: settings.costPerMinute, limiter: store!.createLimiter({ keyPrefix: 'api:graphql-cost', points: settings.costPerMinute, duration: WINDOW_S }) };
  }
  const policy = Object.entries(limiters)
    .map(([kind, l]) => `"${kind}";q=${l.quota};w=${WINDOW_S}`)
    .join(', ');

  function announce(res: Parameters<ApiBudget['spend']>[3], kind: BudgetKind, state: Pick<RateLimiterRes, 'remainingPoints' | 'msBeforeNext'>) {
    if (!res || res.headersSent) return;
    res.setHeader('RateLimit-Policy', policy);
    // One RateLimit item per kind spent in this request; the later spend of the same kind replaces the earlier.
    const items = new Map<string, string>();
    const previous = res.getHeader('RateLimit');
    if (typeof previous === 'string') for (const item of previous.split(', ')) items.set(item.slice(0, item.indexOf(';')), item);
    items.set(`"${kind}"`, `"${kind}";r=${Math.max(0, state.remainingPoints)};t=${retryAfterSeconds(state)}`);
    res.setHeader('RateLimit', [...items.values()].join(', '));
  }

  return {
    enabled: Object.keys(limiters).length > 0,
    costEnabled: limiters.cost !== undefined,
    async spend(kind, key, points, res) {
      const entry = limiters[kind];
      if (!entry || points <= 0) return;
      try {
        const state = await entry.limiter.consume(key, Math.ceil(points));
        announce(res, kind, state);
      } catch (refusal) {
        // A store error (Redis down without insurance) must not refuse every request: let it through.
        if (!isRateLimited(refusal)) return;
        // Work refused is not work done: give the points back, so a cheaper request may still fit what is left.
        const state = await entry.limiter.reward(key, Math.ceil(points)).catch(() => refusal);
        announce(res, kind, { remainingPoints: state.remainingPoints, msBeforeNext: refusal.msBeforeNext });
        const retryAfter = retryAfterSeconds(refusal);
        countThrottleHit(kind === 'requests' ? 'api_requests' : 'graphql_cost');
        throw new RateLimitedError(
          kind === 'requests'
            ? `Too many requests: at most ${entry.quota} a minute are allowed for this caller; try again in ${retryAfter} s.`
            : `Too much GraphQL work: operations may cost at most ${entry.quota} records a minute for this caller (this one: about ${Math.ceil(points)}); try again in ${retryAfter} s.`,
          retryAfter,
        );
      }
    },
  };
}

/**
 * The context builder both doors get: the caller is authenticated first (a bad
 * token is refused without spending anything), then one request is spent
 * from its budget.
 */
export function budgetedContextBuilder(auth: ContextBuilder, budget: ApiBudget): ContextBuilder {
  if (!budget.enabled) return auth;
  return {
    ...auth,
    async build(req: BuildableRequest): Promise<RequestContext> {
      const ctx = await auth.build(req);
      await budget.spend('requests', budgetKey(ctx.principal, req.ip), 1, req.res);
      return ctx;
    },
  };
}
