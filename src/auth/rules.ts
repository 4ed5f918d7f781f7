// Row and field rules of a policy file (docs/policy.md): per resource and
// operation, an expression over the caller's claims, groups, scopes and client
// and over relationship paths of the row. Validated at start-up (errors name
// the rule); evaluated once per caller into the services' `where` vocabulary
// (src/resources/query.ts), which the services AND into every statement they
// run (src/resources/row-access.ts). What depends on the caller alone is decided
// here, so a registrar's rule costs the database nothing.
import type { ResourceDescription, ResourceName } from '../resources/description.js';
import type { Operation } from '../resources/operations.js';
import type { Where } from '../resources/query.js';
import type { AccessRules } from '../resources/request-context.js';
import { resources } from '../resources/registry.js';
import type { Principal } from './types.js';

/** A value a path is compared with: a literal, a claim of the token, or the caller's identity claim. */
export type RuleValue = string | number | boolean | { claim: string | readonly string[] } | { identity: true };

export type RuleExpression =
  | boolean
  | { any: readonly RuleExpression[] }
  | { all: readonly RuleExpression[] }
  | { not: RuleExpression }
  | { path: string; equals: RuleValue }
  | { group: string }
  | { scope: string }
  | { client: string | true };

/** Operations a row rule can be given for; `write` stands for create, update and delete unless they are given. */
const ROW_OPERATIONS = ['read', 'write', 'create', 'update', 'delete'] as const;

export interface AccessRuleSet {
  /** The claim holding the login identifier that Person.username stores (default `sub`). */
  identityClaim: string | readonly string[];
  /** The claim holding the groups (the policy's `groups.claim`, else `groups`). */
  groupClaim: string;
  /** resource → operation → compiled path form of its expression. */
  rows: Partial<Record<ResourceName, Partial<Record<Operation, Compiled>>>>;
  /** resource → attribute field → expression (no paths). */
  fields: Partial<Record<ResourceName, Record<string, Compiled>>>;
}

/** An expression with its paths resolved to the models' fields. */
type Compiled =
  | boolean
  | { any: Compiled[] }
  | { all: Compiled[] }
  | { not: Compiled }
  | { hops: { field: string; toMany: boolean }[]; field: string; equals: RuleValue }
  | { group: string }
  | { scope: string }
  | { client: string | true };

const resourceByType = (): Map<string, ResourceDescription> => new Map(Object.values(resources).map((d) => [d.type, d]));

/** Reads the `identityClaim`, `rows` and `fields` members of a policy file; problems name the rule ("rows.grades.read.any[1].path: …"). */
export function parseAccessRules(json: Record<string, unknown>, groupClaim: string | undefined, problems: string[]): AccessRuleSet | undefined {
  if (json.rows === undefined && json.fields === undefined) return undefined;
  const byType = resourceByType();
  const identity = json.identityClaim ?? 'sub';
  if (!(typeof identity === 'string' && identity) && !(Array.isArray(identity) && identity.length && identity.every((p) => typeof p === 'string' && p))) {
    problems.push('identityClaim: a claim name, or an array of names for a nested claim');
  }
  const set: AccessRuleSet = { identityClaim: identity as string, groupClaim: groupClaim ?? 'groups', rows: {}, fields: {} };
  const objectAt = (value: unknown, where: string): Record<string, unknown> | undefined => {
    if (value === undefined) return undefined;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    problems.push(`${where}: expected an object`);
    return undefined;
  };
  for (const [type, ops] of Object.entries(objectAt(json.rows, 'rows') ?? {})) {
    const description = byType.get(type);
    if (!description) {
      problems.push(`rows.${type}: not a resource type (one of ${[...byType.keys()].join(', ')})`);
      continue;
    }
    const compiled: Partial<Record<string, Compiled>> = {};
    for (const [op, expression] of Object.entries(objectAt(ops, `rows.${type}`) ?? {})) {
      if (!(ROW_OPERATIONS as readonly string[]).includes(op)) {
        problems.push(`rows.${type}.${op}: not an operation (one of ${ROW_OPERATIONS.join(', ')})`);
        continue;
      }
      compiled[op] = compile(expression, description, `rows.${type}.${op}`, problems, true);
    }
    const table: Partial<Record<Operation, Compiled>> = {};
    for (const op of ['read', 'create', 'update', 'delete'] as const) {
      const rule = compiled[op] ?? (op === 'read' ? undefined : compiled.write);
      if (rule !== undefined) table[op] = rule;
    }
    set.rows[description.name] = table;
  }
  for (const [type, attributes] of Object.entries(objectAt(json.fields, 'fields') ?? {})) {
    const description = byType.get(type);
    if (!description) {
      problems.push(`fields.${type}: not a resource type (one of ${[...byType.keys()].join(', ')})`);
      continue;
    }
    const table: Record<string, Compiled> = {};
    for (const [name, expression] of Object.entries(objectAt(attributes, `fields.${type}`) ?? {})) {
      const attribute = description.attributes.find((a) => a.external === name);
      if (!attribute) {
        problems.push(`fields.${type}.${name}: not an attribute of ${type}`);
        continue;
      }
      table[attribute.field] = compile(expression, description, `fields.${type}.${name}`, problems, false);
    }
    set.fields[description.name] = table;
  }
  return set;
}

function compile(expression: unknown, description: ResourceDescription, at: string, problems: string[], pathsAllowed: boolean): Compiled {
  if (typeof expression === 'boolean') return expression;
  if (!expression || typeof expression !== 'object' || Array.isArray(expression)) {
    problems.push(`${at}: expected true, false or an object with one of any, all, not, path, group, scope, client`);
    return false;
  }
  const e = expression as Record<string, unknown>;
  const keys = Object.keys(e);
  const only = (...allowed: string[]) => {
    const extra = keys.filter((k) => !allowed.includes(k));
    if (extra.length) problems.push(`${at}: unexpected ${extra.map((k) => `"${k}"`).join(', ')}`);
  };
  if ('any' in e || 'all' in e) {
    const key = 'any' in e ? 'any' : 'all';
    only(key);
    const list = e[key];
    if (!Array.isArray(list)) {
      problems.push(`${at}.${key}: expected an array of expressions`);
      return false;
    }
    const compiled = list.map((x, i) => compile(x, description, `${at}.${key}[${i}]`, problems, pathsAllowed));
    return key === 'any' ? { any: compiled } : { all: compiled };
  }
  if ('not' in e) {
    only('not');
    return { not: compile(e.not, description, `${at}.not`, problems, pathsAllowed) };
  }
  if ('path' in e) {
    only('path', 'equals');
    if (!pathsAllowed) {
      problems.push(`${at}.path: a field rule depends on the caller only (group, scope, client), not on the row`);
      return false;
    }
    const resolved = typeof e.path === 'string' ? resolveExternalPath(description, e.path) : undefined;
    if (!resolved) {
      problems.push(`${at}.path: "${String(e.path)}" is not a path of ${description.type} (relationships, then an attribute or id, by their JSON:API names)`);
      return false;
    }
    const value = e.equals;
    const valid =
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean' ||
      (value && typeof value === 'object' && ((value as { identity?: unknown }).identity === true || isClaimName((value as { claim?: unknown }).claim)));
    if (!valid) {
      problems.push(`${at}.equals: expected a literal, {"claim": "name"} or {"identity": true}`);
      return false;
    }
    return { ...resolved, equals: value as RuleValue };
  }
  for (const key of ['group', 'scope'] as const) {
    if (key in e) {
      only(key);
      if (typeof e[key] !== 'string' || !e[key]) problems.push(`${at}.${key}: expected a name`);
      return key === 'group' ? { group: String(e[key]) } : { scope: String(e[key]) };
    }
  }
  if ('client' in e) {
    only('client');
    if (e.client !== true && (typeof e.client !== 'string' || !e.client)) problems.push(`${at}.client: expected true (any client-credentials token) or a client id`);
    return { client: e.client as string | true };
  }
  problems.push(`${at}: expected one of any, all, not, path, group, scope, client`);
  return false;
}

const isClaimName = (claim: unknown): boolean =>
  (typeof claim === 'string' && claim.length > 0) || (Array.isArray(claim) && claim.length > 0 && claim.every((c) => typeof c === 'string' && c));

/** "course_term.instructors.person.username" → hops over the models' fields and the leaf field. */
function resolveExternalPath(description: ResourceDescription, path: string): { hops: { field: string; toMany: boolean }[]; field: string } | undefined {
  const parts = path.split('.');
  const hops: { field: string; toMany: boolean }[] = [];
  let current = description;
  for (const part of parts.slice(0, -1)) {
    const rel = current.relationships.find((r) => r.external === part);
    if (!rel) return undefined;
    hops.push({ field: rel.field, toMany: rel.toMany });
    current = resources[rel.target];
  }
  const last = parts[parts.length - 1]!;
  if (last === 'id') return { hops, field: 'id' };
  const attribute = current.attributes.find((a) => a.external === last);
  return attribute ? { hops, field: attribute.field } : undefined;
}

// --- evaluating for one caller ------------------------------------------------

function claimAt(claims: Readonly<Record<string, unknown>>, name: string | readonly string[]): unknown {
  if (typeof name === 'string') return claims[name];
  let value: unknown = claims;
  for (const part of name) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

function groupsOf(principal: Principal | null, claim: string): string[] {
  const value = principal?.hasUser ? principal.claims[claim] : undefined;
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/** Partial evaluation: true, false, or the condition left for the database. */
type Evaluated = boolean | Where;

const FALSE: Where = { OR: [] };

function evaluate(rule: Compiled, principal: Principal | null, set: AccessRuleSet): Evaluated {
  if (typeof rule === 'boolean') return rule;
  if ('any' in rule) {
    const parts: Where[] = [];
    for (const r of rule.any) {
      const v = evaluate(r, principal, set);
      if (v === true) return true;
      if (v !== false) parts.push(v);
    }
    return parts.length ? (parts.length === 1 ? parts[0]! : { OR: parts }) : false;
  }
  if ('all' in rule) {
    const parts: Where[] = [];
    for (const r of rule.all) {
      const v = evaluate(r, principal, set);
      if (v === false) return false;
      if (v !== true) parts.push(v);
    }
    return parts.length ? (parts.length === 1 ? parts[0]! : { AND: parts }) : true;
  }
  if ('not' in rule) {
    const v = evaluate(rule.not, principal, set);
    return typeof v === 'boolean' ? !v : { NOT: v };
  }
  if ('group' in rule) return groupsOf(principal, set.groupClaim).includes(rule.group);
  if ('scope' in rule) return !!principal?.scopes.has(rule.scope);
  if ('client' in rule) return !!principal && !principal.hasUser && (rule.client === true || principal.clientId === rule.client || principal.subject === rule.client);
  // A path compared with a value: a missing claim matches no row (never a NULL column).
  const v = rule.equals;
  const value =
    typeof v === 'object' ? (principal ? claimAt(principal.claims, 'identity' in v ? set.identityClaim : v.claim) : undefined) : v;
  if (value === undefined || value === null || typeof value === 'object') return false;
  const leaf: Where = { [rule.field]: { equals: value } };
  return rule.hops.reduceRight<Where>((inner, hop) => ({ [hop.field]: hop.toMany ? { some: inner } : { is: inner } }), leaf);
}

/** The rules as one caller sees them (evaluated once per resource and operation of the request). */
export function accessRulesFor(set: AccessRuleSet, principal: Principal | null): AccessRules {
  const rowCache = new Map<string, Where | undefined>();
  const hiddenCache = new Map<string, ReadonlySet<string> | undefined>();
  return {
    rows(resource, operation) {
      const key = `${resource} ${operation}`;
      if (rowCache.has(key)) return rowCache.get(key);
      const rule = set.rows[resource]?.[operation];
      const v = rule === undefined ? true : evaluate(rule, principal, set);
      const where = v === true ? undefined : v === false ? FALSE : v;
      rowCache.set(key, where);
      return where;
    },
    hidden(resource) {
      if (hiddenCache.has(resource)) return hiddenCache.get(resource);
      const rules = set.fields[resource];
      const hidden = rules ? new Set(Object.entries(rules).filter(([, rule]) => evaluate(rule, principal, set) !== true).map(([field]) => field)) : undefined;
      const result = hidden?.size ? hidden : undefined;
      hiddenCache.set(resource, result);
      return result;
    },
  };
}
