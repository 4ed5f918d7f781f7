// Prisma's own schema metadata (the DMMF datamodel, written by `npm run
// generate` through scripts/prisma-metadata-generator.mjs), and the facts the
// resource descriptions take from it: attribute types, lengths, nullability,
// defaults, uniqueness, enum values, relation targets, foreign keys, the
// inverse side and implicit many-to-many join tables.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { DMMF } from '@prisma/client/runtime/client';
import { Prisma } from '../generated/prisma/client.js';
import { datamodel, schemaSha256 } from '../generated/prisma-metadata/datamodel.js';
import { projectPath } from '../paths.js';
import type { AttributeType } from './description.js';

export type Datamodel = DMMF.Datamodel;
export type PrismaModel = DMMF.Model;
export type PrismaField = DMMF.Field;

/** The datamodel of prisma/schema.prisma, as of the last `npm run generate`. */
export const prismaDatamodel: Datamodel = datamodel;

export const schemaFile = projectPath('prisma/schema.prisma');

/**
 * Why the generated metadata cannot be trusted, if it cannot: the schema file
 * changed since `npm run generate`, or the metadata and the generated client
 * come from different runs. Undefined when they agree (or the schema file is
 * not deployed, as the built server may run without it).
 */
export function staleMetadata(): string | undefined {
  const regenerate = 'run `npm run generate` (npm start and npm run build do)';
  if (existsSync(schemaFile) && createHash('sha256').update(readFileSync(schemaFile)).digest('hex') !== schemaSha256) {
    return `prisma/schema.prisma changed since src/generated was written: ${regenerate}.`;
  }
  const clientModels = Object.values(Prisma.ModelName as Record<string, string>).sort();
  const metadataModels = datamodel.models.map((m) => m.name).sort();
  if (clientModels.join() !== metadataModels.join()) {
    return `the generated Prisma client (${clientModels.join(', ')}) and the generated metadata (${metadataModels.join(', ')}) disagree: ${regenerate}.`;
  }
  return undefined;
}

export const modelOf = (dm: Datamodel, name: string): PrismaModel | undefined => dm.models.find((m) => m.name === name);

export const fieldOf = (model: PrismaModel, name: string): PrismaField | undefined => model.fields.find((f) => f.name === name);

/** The client delegate of a model: "CourseTerm" → "courseTerm". */
export const delegateName = (model: string): string => model.charAt(0).toLowerCase() + model.slice(1);

/** How the schema writes a field's type, for messages: "String? @db.VarChar(80)". */
export function schemaType(field: PrismaField): string {
  const native = field.nativeType ? ` @db.${field.nativeType[0]}${field.nativeType[1].length ? `(${field.nativeType[1].join(', ')})` : ''}` : '';
  return `${field.type}${field.isList ? '[]' : field.isRequired ? '' : '?'}${native}`;
}

/** The facts of an attribute Prisma states, or why the API cannot serve the field. */
export interface AttributeFacts {
  type: AttributeType;
  /** The SQL column (Prisma's @map, else the field). */
  column: string;
  /** From @db.VarChar(n) / @db.Char(n). */
  maxLength?: number;
  /** The enum's values, in schema order. */
  enumValues?: readonly string[];
  /** Must be given on create: not optional in Prisma and no @default. */
  required: boolean;
  /** Optional in Prisma (`String?`). */
  nullable: boolean;
  /** @unique: a duplicate is a conflict naming this field. */
  unique: boolean;
}

/** Native types each Prisma type may carry and still be served as the API type (null: none given). */
const servedTypes: Record<string, { type: AttributeType; natives: readonly (string | null)[] }> = {
  String: { type: 'string', natives: [null, 'Text', 'VarChar', 'Char'] },
  Int: { type: 'integer', natives: [null, 'Integer'] },
  Float: { type: 'float', natives: [null, 'DoublePrecision'] },
  Boolean: { type: 'boolean', natives: [null] },
  // The API speaks dates (YYYY-MM-DD); a timestamp would lose its time.
  DateTime: { type: 'date', natives: ['Date'] },
};

export function attributeFacts(dm: Datamodel, field: PrismaField): AttributeFacts | string {
  if (field.kind === 'object') return 'is a relation field: describe it as a relationship';
  if (field.isList) return `is a list (${schemaType(field)}), which the API does not serve`;
  const common = { column: field.dbName ?? field.name, required: field.isRequired && !field.hasDefaultValue, nullable: !field.isRequired, unique: field.isUnique };
  if (field.kind === 'enum') {
    const values = dm.enums.find((e) => e.name === field.type)?.values.map((v) => v.name);
    if (!values) return `has the enum type ${field.type}, which Prisma's metadata does not list`;
    return { type: 'enum', enumValues: values, ...common };
  }
  const served = servedTypes[field.type];
  const native = field.nativeType?.[0] ?? null;
  if (!served || !served.natives.includes(native)) return `has the type ${schemaType(field)}, which the API does not serve (${Object.entries(servedTypes).map(([t, s]) => `${t}${s.natives.filter(Boolean).length ? ` [${s.natives.map((n) => (n ? `@db.${n}` : 'plain')).join(', ')}]` : ''}`).join('; ')})`;
  const maxLength = native === 'VarChar' || native === 'Char' ? Number(field.nativeType![1][0]) : undefined;
  return { type: served.type, ...(maxLength !== undefined && Number.isFinite(maxLength) ? { maxLength } : {}), ...common };
}

/** The relation field on the other model that points back (Prisma requires one). */
export function inverseOf(dm: Datamodel, model: PrismaModel, field: PrismaField): PrismaField | undefined {
  const target = modelOf(dm, field.type);
  return target?.fields.find((f) => f.kind === 'object' && f.relationName === field.relationName && !(target.name === model.name && f.name === field.name));
}

/**
 * Prisma's implicit many-to-many table: "_" + the relation's name, column A
 * for the model first by name and B for the other (Prisma's documented
 * convention; the DMMF does not spell it out).
 */
export function implicitJoinTable(model: PrismaModel, field: PrismaField): { table: string; column: string; targetColumn: string } {
  const first = model.name <= field.type;
  return { table: `_${field.relationName}`, column: first ? 'A' : 'B', targetColumn: first ? 'B' : 'A' };
}
