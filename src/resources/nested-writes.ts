// Nested creates: a record written together with new members of its
// one-to-many relationships (a course with its terms), in the one statement
// Prisma makes of a nested write (so in one transaction). Each member is
// checked as a create of its own resource would be (attributes, relationships,
// existence), except for the relationship back to the record, which the
// record gives. One level deep: a member carries no nested creates itself.
import type { Problem } from '../errors.js';
import type { RelationshipDescription, ResourceDescription } from './description.js';
import { mapDatabaseError } from './database-errors.js';
import type { RelationshipValue } from './relationship-rules.js';
import { resources } from './registry.js';
import type { ResourceStore } from './sql.js';
import { checkAttributes, fieldMessages, isUuid } from './validation.js';

/** A member to create: as a WriteInput, without nested creates of its own. */
export interface NestedMember {
  id?: string;
  attributes?: Readonly<Record<string, unknown>>;
  relationships?: Readonly<Record<string, RelationshipValue>>;
}

/** Checks a member's relationships as a create of `store`'s resource does; returns the Prisma data for them. */
export type MemberRelationships = (store: ResourceStore, relationships: Readonly<Record<string, RelationshipValue>>, problems: Problem[]) => Promise<Record<string, unknown>>;

export const nestedMessages = {
  notNestable: (field: string, label: string, nestable: readonly string[]) =>
    `${field} takes no new records: a ${label} creates members of ${nestable.length ? nestable.join(', ') : 'no relationship'} only (link existing ones by id).`,
  givenByOwner: (owner: string) => `Given by the ${owner} it is created with.`,
} as const;

/** The relationship on the target that points back (every relationship has one; the registry checks). */
export function inverseOf(rel: RelationshipDescription): RelationshipDescription {
  return resources[rel.target].relationships.find((r) => r.field === rel.inverse)!;
}

/** The to-many relationships whose members may be created with the record: one-to-many, the member holding the foreign key. */
export function nestableRelationships(description: ResourceDescription): RelationshipDescription[] {
  return description.relationships.filter((rel) => rel.toMany && !rel.joinTable && !!inverseOf(rel).foreignKey);
}

/** A problem of member `index` of `field`, named by its path from the record ("courseTerms.0.termIdentifier"). */
function within(field: string, index: number, problem: Problem): Problem {
  const source = problem.source;
  if (source?.kind === 'attribute' || source?.kind === 'relationship') return { ...problem, source: { ...source, name: `${field}.${index}.${source.name}` } };
  if (source?.kind === 'id') return { ...problem, source: { kind: 'attribute', name: `${field}.${index}.id` } };
  return problem;
}

/**
 * Checks the members to create with a record and returns the Prisma nested
 * write for them: `createMany` (one INSERT for all) when they link nothing
 * but the record, else `create`. Problems are added to `problems`.
 */
export async function nestedCreateData(
  store: ResourceStore,
  created: Readonly<Record<string, readonly NestedMember[]>>,
  audit: Record<string, unknown>,
  problems: Problem[],
  memberRelationships: MemberRelationships,
): Promise<Record<string, unknown>> {
  const data: Record<string, unknown> = {};
  const nestable = nestableRelationships(store.description);
  for (const [field, members] of Object.entries(created)) {
    const rel = nestable.find((r) => r.field === field);
    if (!rel) {
      problems.push({ detail: nestedMessages.notNestable(field, store.description.label, nestable.map((r) => r.field)), source: { kind: 'relationship', name: field } });
      continue;
    }
    const target = store.of(rel.target);
    const inverse = store.inverse(rel);
    const rows: Record<string, unknown>[] = [];
    let scalarsOnly = true;
    for (const [index, member] of members.entries()) {
      const own: Problem[] = [];
      if (member.id !== undefined && !isUuid(member.id)) own.push({ detail: fieldMessages.invalidId, source: { kind: 'id' } });
      const { data: attributes, problems: attributeProblems } = checkAttributes(target.description, member.attributes ?? {}, 'create');
      own.push(...attributeProblems);
      const { [inverse.field]: owner, ...relationships } = member.relationships ?? {};
      if (owner !== undefined) own.push({ detail: nestedMessages.givenByOwner(store.description.label), source: { kind: 'relationship', name: inverse.field } });
      const relationshipProblems: Problem[] = [];
      const links = await memberRelationships(target, relationships, relationshipProblems);
      // The relationship back to the record is given by the record, so never missing.
      own.push(...relationshipProblems.filter((p) => !(p.source?.kind === 'relationship' && p.source.name === inverse.field && p.detail === fieldMessages.required)));
      problems.push(...own.map((p) => within(field, index, p)));
      if (Object.keys(links).length) scalarsOnly = false;
      rows.push({ ...(member.id !== undefined ? { id: member.id } : {}), ...attributes, ...links, ...audit });
    }
    if (rows.length) data[field] = scalarsOnly ? { createMany: { data: rows } } : { create: rows };
  }
  return data;
}

/**
 * Runs a write with nested creates: what the database says is mapped for the
 * resource it concerns (a member's taken natural key names the member's
 * field), by the table its constraint belongs to.
 */
export async function runNested<T>(store: ResourceStore, created: Readonly<Record<string, unknown>> | undefined, work: () => Promise<T>): Promise<T> {
  const targets: ResourceDescription[] = Object.keys(created ?? {})
    .map((field) => store.relationship(field))
    .filter((rel): rel is RelationshipDescription => !!rel)
    .map((rel) => store.of(rel.target).description);
  if (!targets.length) return store.run(work);
  try {
    return await work();
  } catch (error) {
    const text = JSON.stringify((error as { meta?: unknown }).meta ?? {}) + String((error as Error).message ?? '');
    const member = targets.find((d) => text.includes(`${d.table}_`) || text.includes(`"${d.table}"`));
    throw mapDatabaseError(member ?? store.description, error);
  }
}
