// How a resource is described, for the services and both front doors.
//
// A description file (src/resources/descriptions/*.ts) states only what Prisma
// cannot know: the JSON:API type and external (snake_case) names, which fields
// are sortable, filterable and searched, patterns and messages. Everything
// prisma/schema.prisma already says (types, lengths, nullability, defaults,
// uniqueness, enum values, relation targets, foreign keys, join tables, the
// inverse side) is read from Prisma's metadata (schema-check.ts), and the
// result is checked against it at start-up.
import type { Prisma } from '../generated/prisma/client.js';
import type { AttributeFacts } from './prisma-metadata.js';

/** A model of prisma/schema.prisma. */
export type ModelName = Prisma.ModelName;

/** A resource's name: its Prisma model's client delegate ("courseTerm"). */
export type ResourceName = Uncapitalize<ModelName>;

export type AttributeType = 'string' | 'integer' | 'float' | 'boolean' | 'date' | 'enum';

/** An attribute as a description file states it. */
export interface AttributeDefinition {
  /** The Prisma field, also the GraphQL field name (camelCase). */
  field: string;
  /** The JSON:API attribute name (snake_case). */
  external: string;
  /** Exact length for fixed-width codes (Prisma states only the maximum, @db.VarChar(n)). */
  length?: number;
  pattern?: RegExp;
  /** Said to the client when the pattern does not match. */
  patternHint?: string;
  min?: number;
  /** Set by the server (audit fields); ignored on input. */
  readOnly?: boolean;
  sortable?: boolean;
  description?: string;
}

/** An attribute as the services and doors see it: the definition and Prisma's facts. */
export interface AttributeDescription extends AttributeDefinition, AttributeFacts {}

/** A relationship as a description file states it. */
export interface RelationshipDefinition {
  /** The Prisma relation field (camelCase), also the GraphQL field. */
  field: string;
  /** The JSON:API relationship name (snake_case). */
  external: string;
}

/** A relationship as the services and doors see it: the definition and Prisma's facts. */
export interface RelationshipDescription extends RelationshipDefinition {
  target: ResourceName;
  toMany: boolean;
  /** The relation field on the target that points back here (its description must describe it too). */
  inverse: string;
  /** Set when this model holds the foreign key (to-one only). */
  foreignKey?: string;
  /** A to-one whose foreign key is required (e.g. a grade's student). */
  required: boolean;
  /**
   * For to-many: the target's foreign key to us is required, so a member
   * cannot be removed without deleting it.
   */
  membersRequireOwner: boolean;
  /** Many-to-many: Prisma's implicit join table, with our column and the target's. */
  joinTable?: { table: string; column: string; targetColumn: string };
}

export type Lookup = 'exact' | 'iexact' | 'lt' | 'lte' | 'gt' | 'gte' | 'in' | 'contains' | 'icontains' | 'regex';

export const allLookups: readonly Lookup[] = ['exact', 'iexact', 'lt', 'lte', 'gt', 'gte', 'in', 'contains', 'icontains', 'regex'];

/** Lookups that compare text, refused on other types. */
export const textOnlyLookups: readonly Lookup[] = ['iexact', 'contains', 'icontains', 'regex'];

export interface FilterDescription {
  /** The JSON:API filter name, e.g. "course_terms.term_identifier" or the alias "course_name". */
  external: string;
  /** The path through the model, e.g. "courseTerms.termIdentifier". */
  path: string;
  lookups: readonly Lookup[];
  /** The demo's `name_gt` style suffix forms are accepted for this filter too. */
  suffixLookups?: boolean;
}

/** What a description file exports (default export, through defineResource). */
export interface ResourceDefinition {
  /** The Prisma model. */
  model: ModelName;
  /** JSON:API type and collection path under /v1/. */
  type: string;
  /** Words used in messages ("course with this course identifier already exists."); default: the model's name in words. */
  label?: string;
  /** GraphQL object type name; default: the model's name. */
  graphqlName?: string;
  attributes: readonly AttributeDefinition[];
  relationships: readonly RelationshipDefinition[];
  filters: readonly FilterDescription[];
  /** Paths searched by `filter[search]` / `search`: every word must appear in one of them. */
  searchPaths: readonly string[];
}

export interface ResourceDescription {
  name: ResourceName;
  /** JSON:API type and collection path under /v1/. */
  type: string;
  /** The Prisma client delegate (the same as name). */
  model: ResourceName;
  /** The Prisma model. */
  prismaModel: ModelName;
  /** SQL table (used for regex filters and linkage, which Prisma cannot express). */
  table: string;
  /** GraphQL object type name. */
  graphqlName: string;
  label: string;
  attributes: readonly AttributeDescription[];
  relationships: readonly RelationshipDescription[];
  filters: readonly FilterDescription[];
  searchPaths: readonly string[];
  /** Natural keys made of several relationships or attributes (@@unique), for conflict messages. */
  uniqueTogether?: readonly (readonly string[])[];
}

/** Types a description file's default export. */
export const defineResource = (definition: ResourceDefinition): ResourceDefinition => definition;

/** Fields the services record on every write (who and when): every model must have them. */
export const auditFields = { lastModUserName: 'String', lastModDate: 'DateTime' } as const;

/** Every model carries these, as the original demo's CommonModel did. */
export const commonAttributes: readonly AttributeDefinition[] = [
  { field: 'effectiveStartDate', external: 'effective_start_date', sortable: true },
  { field: 'effectiveEndDate', external: 'effective_end_date', sortable: true },
  { field: 'lastModUserName', external: 'last_mod_user_name', readOnly: true, sortable: true },
  { field: 'lastModDate', external: 'last_mod_date', readOnly: true, sortable: true },
];

export const idFilter: FilterDescription = { external: 'id', path: 'id', lookups: ['exact', 'in'] };

/** Text lookups for strings; comparisons for numbers, dates and strings. */
export const textLookups: readonly Lookup[] = allLookups;
export const numberLookups: readonly Lookup[] = ['exact', 'lt', 'lte', 'gt', 'gte', 'in'];
export const booleanLookups: readonly Lookup[] = ['exact'];

/** The SQL column of a camelCase field ("courseTermId" → "course_term_id"), as the schema's @map names them. */
export function column(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** "courseIdentifier" → "course identifier" for messages. */
export function words(field: string): string {
  return field.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}
