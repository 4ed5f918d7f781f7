// The one table that says who may read, create, update or delete, used by both
// doors. A policy is data (JSON, validated at start-up), so a deployment changes
// who may do what without touching code.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { OPERATIONS, type Operation } from '../resources/operations.js';
import type { Principal } from './types.js';
import { parseAccessRules, type AccessRuleSet } from './rules.js';

export { OPERATIONS };

/** Alternatives: the caller passes when it holds every scope of at least one set. */
export type ScopeSets = readonly (readonly string[])[];

export interface PolicyRules {
  /** Operation → accepted scope sets. */
  operations: Readonly<Record<Operation, ScopeSets>>;
  /** Scope sets that must also be held, by kind of token (the demo's auth-columbia / auth-none + SLA scope). */
  alsoRequired: { user?: ScopeSets; client?: ScopeSets };
  /** Group-claim rule for tokens with a user behind them; client-only tokens carry no user claims. */
  groups?: {
    /** Claim name; its value is a space-separated string or an array of strings. */
    claim: string;
    /** Operation → groups of which the user needs one. `write` covers create, update and delete. */
    required: Partial<Record<Operation, readonly string[]>>;
  };
}

/** A policy: its rules, and the one question both doors ask of it. */
export interface Policy {
  readonly rules: PolicyRules;
  /** Row and field rules (./rules.ts); undefined when the policy has none. */
  readonly access?: AccessRuleSet;
  decide(principal: Principal, operation: Operation): Decision;
}

export const DEFAULT_RULES: PolicyRules = {
  operations: {
    read: [['read']],
    create: [['create'], ['write']],
    update: [['update'], ['write']],
    delete: [['delete'], ['write']],
    audit: [['audit']],
  },
  alsoRequired: {},
};

export function makePolicy(rules: PolicyRules, access?: AccessRuleSet): Policy {
  return { rules, access, decide: (principal, operation) => decide(rules, principal, operation) };
}

export const DEFAULT_POLICY: Policy = makePolicy(DEFAULT_RULES);

export type Decision =
  | { allowed: true }
  | { allowed: false; reason: 'scope'; /** A scope set that would have been enough. */ scope: string }
  | { allowed: false; reason: 'claim'; detail: string };

// --- deciding -----------------------------------------------------------------

function missingFrom(scopes: ReadonlySet<string>, set: readonly string[]): number {
  let missing = 0;
  for (const s of set) if (!scopes.has(s)) missing++;
  return missing;
}

/**
 * Every combination of one operation set and one also-required set is an
 * acceptable set of scopes. When none is held, name the one closest to what the
 * caller has (fewest missing scopes; the first on a tie), for RFC 6750 §3's `scope`.
 */
function checkScopes(scopes: ReadonlySet<string>, operationSets: ScopeSets, extraSets: ScopeSets | undefined): Decision {
  const extras = extraSets && extraSets.length ? extraSets : [[]];
  let best: readonly string[] | undefined;
  let bestMissing = Infinity;
  for (const op of operationSets) {
    for (const extra of extras) {
      const missing = missingFrom(scopes, op) + missingFrom(scopes, extra);
      if (missing === 0) return { allowed: true };
      if (missing < bestMissing) {
        bestMissing = missing;
        best = [...new Set([...op, ...extra])];
      }
    }
  }
  return { allowed: false, reason: 'scope', scope: (best ?? []).join(' ') };
}

/** Group claim values: OIDC-style space-separated string, or a JSON array of strings. */
export function claimValues(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

export function decide(policy: PolicyRules, principal: Principal, operation: Operation): Decision {
  const scopeDecision = checkScopes(
    principal.scopes,
    policy.operations[operation],
    principal.hasUser ? policy.alsoRequired.user : policy.alsoRequired.client,
  );
  if (!scopeDecision.allowed) return scopeDecision;
  if (principal.hasUser && policy.groups) {
    const needed = policy.groups.required[operation];
    if (needed && needed.length) {
      const held = claimValues(principal.claims[policy.groups.claim]);
      if (!needed.some((g) => held.includes(g))) {
        return {
          allowed: false,
          reason: 'claim',
          detail: `To ${operation}, the user must belong to ${needed.length === 1 ? 'the group' : 'one of the groups'} ${needed.map((g) => `"${g}"`).join(', ')} (claim "${policy.groups.claim}").`,
        };
      }
    }
  }
  return { allowed: true };
}

// --- loading ------------------------------------------------------------------

/** "[0].audience", "operations.read[1]": the field as someone editing the file finds it. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${String(p)}` : String(p))).join('') || '(top level)';
}

const scopeName = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, { message: 'a scope name is printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3)' });
const scopeSets = z.array(z.array(scopeName)).min(1, { message: 'give at least one scope set (an empty set [] means no scope needed)' });
const groupList = z.array(z.string().min(1)).min(1);

const policyFileSchema = z
  .object({
    operations: z.object({ read: scopeSets, create: scopeSets, update: scopeSets, delete: scopeSets, audit: scopeSets }).partial().strict().optional(),
    alsoRequired: z.object({ user: scopeSets, client: scopeSets }).partial().strict().optional(),
    groups: z
      .object({
        claim: z.string().min(1),
        read: groupList,
        write: groupList,
        create: groupList,
        update: groupList,
        delete: groupList,
      })
      .partial()
      .required({ claim: true })
      .strict()
      .optional(),
    // Row and field rules, checked by ./rules.ts (its messages name the rule).
    identityClaim: z.unknown().optional(),
    rows: z.unknown().optional(),
    fields: z.unknown().optional(),
  })
  .strict();

/** A Policy from the JSON shape of a policy file; unspecified operations keep the default table. */
export function policyFromJson(json: unknown, label: string): Policy {
  const parsed = policyFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new PolicyFileError(label, parsed.error.issues.map((i) => `${fieldPath(i.path)}: ${i.message}`));
  }
  const p = parsed.data;
  const problems: string[] = [];
  const access = parseAccessRules(p, p.groups?.claim, problems);
  if (problems.length) throw new PolicyFileError(label, problems);
  const groups = p.groups
    ? {
        claim: p.groups.claim,
        required: Object.fromEntries(
          OPERATIONS.flatMap((op) => {
            const list = p.groups![op as keyof typeof p.groups] ?? (op === 'read' ? undefined : p.groups!.write);
            return Array.isArray(list) ? [[op, list]] : [];
          }),
        ),
      }
    : undefined;
  return makePolicy({
    operations: { ...DEFAULT_RULES.operations, ...p.operations },
    alsoRequired: p.alsoRequired ?? {},
    groups,
  }, access);
}

export class PolicyFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'PolicyFileError';
  }
}

/** Reads and validates a policy file; errors name the file and the field. */
export function loadPolicyFile(path: string, setting = 'OAUTH_POLICY_FILE'): Policy {
  const label = `${setting} (${path})`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PolicyFileError(label, [`cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PolicyFileError(label, [`not valid JSON: ${(error as Error).message}`]);
  }
  return policyFromJson(json, label);
}
