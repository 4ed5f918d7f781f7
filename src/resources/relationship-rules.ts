// The relationship rules, once, for single writes (writes.ts) and the import
// (import.ts) alike, with the same messages:
// - shape: a to-many takes a list of ids, a to-one one id or null;
// - ids: every id is a UUID;
// - required: a required to-one is given on create and never set to null;
// - existence: every linked id names an existing row of the target;
// - one-to-one free: a one-to-one target (an instructor's person) is not
//   already held by another row (Prisma would quietly move it; the original
//   demo's unique OneToOneField refused);
// - owner required: a member whose foreign key to us is required (a
//   student's grades) cannot be dropped by replacing the to-many.
// Checks that need the database take many rows at once, so the import asks
// one query per relationship, not per row.
import type { Problem } from '../errors.js';
import { words, type RelationshipDescription, type ResourceDescription } from './description.js';
import type { Linkage, ResourceStore } from './sql.js';
import { fieldMessages, isUuid } from './validation.js';

export type RelationshipValue = string | null | readonly string[];

export const relationshipMessages = {
  expectedList: 'Expected a list of ids.',
  expectedOne: 'Expected one id or null.',
  notUuids: (bad: readonly string[]) => `${bad.map((b) => JSON.stringify(b)).join(', ')} ${bad.length > 1 ? 'are not valid UUIDs' : 'is not a valid UUID'}.`,
  toOneOnly: (field: string) => `${field} is a to-one relationship; replace it instead.`,
  ownerRequired: (owner: string, member: string) => `A ${member} cannot be removed from its ${owner}: delete the ${member}, or give it another ${owner}.`,
} as const;

const sourceOf = (field: string) => ({ kind: 'relationship' as const, name: field });

/** A relationship value that passed the shape and id rules: the ids it links ([] clears a to-one). */
export interface CheckedLink {
  rel: RelationshipDescription;
  ids: string[];
}

/** Shape, ids and null-on-required of one relationship value: the ids it links, or the problem. */
export function checkLink(description: ResourceDescription, field: string, value: RelationshipValue): CheckedLink | Problem {
  const source = sourceOf(field);
  const rel = description.relationships.find((r) => r.field === field);
  if (!rel) return { detail: fieldMessages.notARelationship(field, description.type), source };
  if (rel.toMany !== Array.isArray(value)) return { detail: rel.toMany ? relationshipMessages.expectedList : relationshipMessages.expectedOne, source };
  if (value === null) return rel.required ? { detail: fieldMessages.mayNotBeNull, source } : { rel, ids: [] };
  const ids = ([] as string[]).concat(value as string | string[]);
  const bad = ids.filter((i) => !isUuid(i));
  if (bad.length) return { detail: relationshipMessages.notUuids(bad), source };
  return { rel, ids: [...new Set(ids)] };
}

export const isProblem = (checked: CheckedLink | Problem): checked is Problem => 'detail' in checked;

/** The required to-ones a create leaves out. */
export function missingRequired(description: ResourceDescription, given: Readonly<Record<string, unknown>>): Problem[] {
  return description.relationships
    .filter((rel) => rel.required && given[rel.field] === undefined)
    .map((rel) => ({ detail: fieldMessages.required, source: sourceOf(rel.field) }));
}

/** Existence, for many rows at once: the ids of `wanted` with no row in the relationship's target (one query). */
export async function missingTargets(store: ResourceStore, rel: RelationshipDescription, wanted: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(wanted)];
  const found = await store.of(rel.target).existingIds(unique);
  return new Set(unique.filter((id) => !found.has(id)));
}

export function notFoundProblem(store: ResourceStore, rel: RelationshipDescription, missing: readonly string[]): Problem {
  return { detail: fieldMessages.notFound(store.of(rel.target).description.label, missing), source: sourceOf(rel.field) };
}

/** A to-one holding the foreign key whose inverse is a to-one too: its target may be held by one row only. */
export function isOneToOne(store: ResourceStore, rel: RelationshipDescription): boolean {
  return !rel.toMany && !!rel.foreignKey && store.inverse(rel).toMany === false;
}

/** One-to-one, for many rows at once: target id → the row already holding it (other than `exceptId`). */
export function holders(store: ResourceStore, rel: RelationshipDescription, targetIds: readonly string[], exceptId?: string): Promise<Map<string, string>> {
  return store.holders(rel.foreignKey!, [...new Set(targetIds)], exceptId);
}

export function takenProblem(description: ResourceDescription, rel: RelationshipDescription): Problem {
  return { detail: fieldMessages.taken(description.label, words(rel.field)), source: sourceOf(rel.field) };
}

/** Owner required: whether making `next` the members of a to-many drops one of `current` that needs its owner. */
export function dropsOwnedMember(rel: RelationshipDescription, current: readonly string[], next: readonly string[]): boolean {
  return rel.membersRequireOwner && current.some((id) => !next.includes(id));
}

/** Current members of one to-many for many rows at once (one query): row id → ids. */
export async function currentMembers(store: ResourceStore, rel: RelationshipDescription, rowIds: readonly string[]): Promise<Map<string, string[]>> {
  const linkage: Map<string, Linkage> = await store.linkage(rowIds, [rel]);
  return new Map([...linkage].map(([id, links]) => [id, (links[rel.field] as string[] | null) ?? []]));
}

/**
 * A refused removal of a member that needs its owner; `refused`: the change
 * itself is refused whatever its values (JSON:API answers 403).
 */
export function ownerRequiredProblem(store: ResourceStore, rel: RelationshipDescription): Problem {
  return {
    detail: relationshipMessages.ownerRequired(store.description.label, store.of(rel.target).description.label),
    source: sourceOf(rel.field),
    refused: true,
  };
}
