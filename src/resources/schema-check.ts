// Resource descriptions from description files and Prisma's metadata, and the
// check that they agree with it. Run once at start-up (registry.ts): a wrong
// description stops the server with a message naming the resource and field,
// instead of failing a request later.
import {
  auditFields,
  column,
  textOnlyLookups,
  words,
  type AttributeDescription,
  type ModelName,
  type RelationshipDescription,
  type ResourceDefinition,
  type ResourceDescription,
  type ResourceName,
} from './description.js';
import { attributeFacts, delegateName, fieldOf, implicitJoinTable, inverseOf, modelOf, schemaType, type Datamodel, type PrismaField, type PrismaModel } from './prisma-metadata.js';

/** The descriptions disagree with prisma/schema.prisma (or with each other). */
export class ResourceSchemaError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The resource descriptions (src/resources/descriptions) do not match prisma/schema.prisma:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ResourceSchemaError';
  }
}

/** "courses.course_name (Course.courseName)": the resource and field a problem is about. */
const where = (type: string, external: string, model: string, field: string) => `${type}.${external} (${model}.${field})`;

/** A description file's definition, completed with what Prisma states. Unresolvable parts become problems and are left out. */
export function describeResource(definition: ResourceDefinition, dm: Datamodel, problems: string[]): ResourceDescription | undefined {
  const model = modelOf(dm, definition.model);
  if (!model) {
    problems.push(`${definition.type}: ${JSON.stringify(definition.model)} is not a model of prisma/schema.prisma (models: ${dm.models.map((m) => m.name).join(', ')}).`);
    return undefined;
  }
  const attributes: AttributeDescription[] = [];
  for (const a of definition.attributes) {
    const field = fieldOf(model, a.field);
    const facts = field ? attributeFacts(dm, field) : `is not a field of model ${model.name}`;
    if (typeof facts === 'string') problems.push(`${where(definition.type, a.external, model.name, a.field)}: ${facts}.`);
    else attributes.push({ ...a, ...facts });
  }
  const relationships: RelationshipDescription[] = [];
  for (const r of definition.relationships) {
    const field = fieldOf(model, r.field);
    const facts = field ? relationshipFacts(dm, model, field) : `is not a field of model ${model.name}`;
    if (typeof facts === 'string') problems.push(`${where(definition.type, r.external, model.name, r.field)}: ${facts}.`);
    else relationships.push({ ...r, ...facts });
  }
  const name = delegateName(model.name) as ResourceName;
  return {
    name,
    type: definition.type,
    model: name,
    prismaModel: model.name as ModelName,
    table: model.dbName ?? model.name,
    graphqlName: definition.graphqlName ?? model.name,
    label: definition.label ?? words(delegateName(model.name)),
    attributes,
    relationships,
    filters: definition.filters,
    searchPaths: definition.searchPaths,
    ...uniqueTogether(model, attributes, relationships),
  };
}

function relationshipFacts(dm: Datamodel, model: PrismaModel, field: PrismaField): Omit<RelationshipDescription, 'field' | 'external'> | string {
  if (field.kind !== 'object') return `is a ${schemaType(field)} field, not a relation: describe it as an attribute`;
  const inverse = inverseOf(dm, model, field);
  if (!inverse) return `has no back-relation field on ${field.type}`;
  const fromFields = field.relationFromFields ?? [];
  if (fromFields.length > 1) return `has a foreign key of several columns (${fromFields.join(', ')}), which the API does not serve`;
  const foreignKey = fromFields[0];
  const inverseKey = inverse.relationFromFields?.[0];
  return {
    target: delegateName(field.type) as ResourceName,
    toMany: field.isList,
    inverse: inverse.name,
    ...(foreignKey ? { foreignKey } : {}),
    required: !field.isList && !!foreignKey && field.isRequired,
    membersRequireOwner: field.isList && !!inverseKey && inverse.isRequired,
    ...(field.isList && inverse.isList ? { joinTable: implicitJoinTable(model, field) } : {}),
  };
}

/** @@unique([a, b]) → the described names of a and b (a foreign key by its relationship). */
function uniqueTogether(model: PrismaModel, attributes: readonly AttributeDescription[], relationships: readonly RelationshipDescription[]): Pick<ResourceDescription, 'uniqueTogether'> {
  const named = model.uniqueFields.map((fields) => fields.map((f) => relationships.find((r) => r.foreignKey === f)?.field ?? attributes.find((a) => a.field === f)?.field ?? f));
  return named.length ? { uniqueTogether: named } : {};
}

/** Every description file's definition, described; problems of unresolvable parts in `problems`. */
export function describeResources(definitions: readonly ResourceDefinition[], dm: Datamodel): { descriptions: ResourceDescription[]; problems: string[] } {
  const problems: string[] = [];
  const descriptions = definitions.flatMap((d) => describeResource(d, dm, problems) ?? []);
  return { descriptions, problems };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Checks complete descriptions against Prisma's metadata and each other: every
 * fact Prisma states, every relationship against its inverse, every filter,
 * search and sort path, and every model described once. Returns the problems,
 * each naming the resource and field.
 */
export function checkDescriptions(descriptions: readonly ResourceDescription[], dm: Datamodel): string[] {
  const problems: string[] = [];
  const byName = new Map(descriptions.map((d) => [d.name, d]));
  for (const m of dm.models) {
    // A model documented `/// @internal` is storage of the server itself (the built-in authorization server's), not a resource.
    if (m.documentation?.startsWith('@internal')) continue;
    const described = descriptions.filter((d) => d.prismaModel === m.name);
    if (!described.length) problems.push(`model ${m.name}: no description; add one in src/resources/descriptions/ (see docs/adding-a-resource.md).`);
    if (described.length > 1) problems.push(`model ${m.name}: described more than once (${described.map((d) => d.type).join(', ')}).`);
  }
  for (const key of ['type', 'graphqlName'] as const) {
    for (const d of descriptions) {
      if (descriptions.filter((o) => o[key] === d[key]).length > 1) problems.push(`${d.type}: the ${key} ${JSON.stringify(d[key])} is used by more than one resource.`);
    }
  }
  for (const d of descriptions) {
    const model = modelOf(dm, d.prismaModel);
    if (!model) {
      problems.push(`${d.type}: ${JSON.stringify(d.prismaModel)} is not a model of prisma/schema.prisma.`);
      continue;
    }
    const expected = { name: delegateName(model.name), model: delegateName(model.name), table: model.dbName ?? model.name };
    for (const [key, value] of Object.entries(expected)) {
      if (d[key as keyof typeof expected] !== value) problems.push(`${d.type}: its ${key} is ${JSON.stringify(d[key as keyof typeof expected])}; Prisma's model ${model.name} says ${JSON.stringify(value)}.`);
    }
    checkNames(d, problems);
    for (const a of d.attributes) checkAttribute(d, model, a, dm, problems);
    for (const r of d.relationships) checkRelationship(d, model, r, dm, byName, problems);
    checkRequiredColumns(d, model, problems);
    checkPaths(d, byName, problems);
    const derived = uniqueTogether(model, d.attributes, d.relationships).uniqueTogether;
    if (!same(d.uniqueTogether ?? [], derived ?? [])) problems.push(`${d.type}: unique together ${JSON.stringify(d.uniqueTogether ?? [])}; Prisma's @@unique says ${JSON.stringify(derived ?? [])}.`);
  }
  return problems;
}

/** JSON:API 1.1 "Fields": one namespace for attributes and relationships, without `id` and `type`. */
function checkNames(d: ResourceDescription, problems: string[]): void {
  const names = [...d.attributes.map((a) => a.external), ...d.relationships.map((r) => r.external)];
  for (const [i, name] of names.entries()) {
    if (name === 'id' || name === 'type') problems.push(`${d.type}.${name}: JSON:API reserves the names id and type.`);
    else if (names.indexOf(name) !== i) problems.push(`${d.type}.${name}: more than one attribute or relationship has this name.`);
    else if (!/^[a-z][a-z0-9_]*$/.test(name)) problems.push(`${d.type}.${name}: external names are snake_case (a-z, 0-9, _), as the rest of the API.`);
  }
}

function checkAttribute(d: ResourceDescription, model: PrismaModel, a: AttributeDescription, dm: Datamodel, problems: string[]): void {
  const at = where(d.type, a.external, model.name, a.field);
  const field = fieldOf(model, a.field);
  const facts = field ? attributeFacts(dm, field) : `is not a field of model ${model.name}`;
  if (typeof facts === 'string') {
    problems.push(`${at}: ${facts}.`);
    return;
  }
  const says = `Prisma says ${schemaType(field!)}${field!.hasDefaultValue ? ' with a @default' : ''}`;
  if (field!.isId) problems.push(`${at}: the id is the resource's identity, not an attribute.`);
  if (model.fields.some((f) => f.relationFromFields?.includes(a.field))) problems.push(`${at}: is a foreign key; describe its relationship instead.`);
  if (a.type !== facts.type) problems.push(`${at}: the description says type ${a.type}; ${says}.`);
  if (a.maxLength !== facts.maxLength) {
    problems.push(`${at}: the description says ${a.maxLength === undefined ? 'no length limit' : `at most ${a.maxLength} characters`}; ${says}.`);
  }
  if (a.nullable !== facts.nullable) problems.push(`${at}: the description says it ${a.nullable ? 'may' : 'may not'} be null; ${says} (${facts.nullable ? 'optional' : 'required'}).`);
  if (a.required !== facts.required) problems.push(`${at}: the description says it ${a.required ? 'must' : 'need not'} be given on create; ${says}.`);
  if (a.unique !== facts.unique) problems.push(`${at}: the description says it is ${a.unique ? '' : 'not '}unique; ${says}.`);
  if (!same(a.enumValues, facts.enumValues)) problems.push(`${at}: the description's values are ${JSON.stringify(a.enumValues ?? null)}; Prisma's enum ${field!.type} has ${JSON.stringify(facts.enumValues ?? null)}.`);
  if (a.column !== facts.column) problems.push(`${at}: the description says column ${a.column}; ${says} in column ${facts.column}.`);
  if (a.length !== undefined) {
    if (a.type !== 'string') problems.push(`${at}: an exact length applies to text; ${says}.`);
    else if (!Number.isSafeInteger(a.length) || a.length < 1) problems.push(`${at}: the exact length ${a.length} is not a positive whole number.`);
    else if (facts.maxLength !== undefined && a.length > facts.maxLength) problems.push(`${at}: the exact length ${a.length} does not fit: ${says}.`);
  }
  if (a.pattern && a.type !== 'string') problems.push(`${at}: a pattern applies to text; ${says}.`);
  if (a.min !== undefined && a.type !== 'integer' && a.type !== 'float') problems.push(`${at}: a minimum applies to numbers; ${says}.`);
  if (a.readOnly && facts.required) problems.push(`${at}: is read-only (set by the server, ignored on input) but ${says} without a default: no create could succeed.`);
}

function checkRelationship(
  d: ResourceDescription,
  model: PrismaModel,
  r: RelationshipDescription,
  dm: Datamodel,
  byName: ReadonlyMap<string, ResourceDescription>,
  problems: string[],
): void {
  const at = where(d.type, r.external, model.name, r.field);
  const field = fieldOf(model, r.field);
  const facts = field ? relationshipFacts(dm, model, field) : `is not a field of model ${model.name}`;
  if (typeof facts === 'string') {
    problems.push(`${at}: ${facts}.`);
    return;
  }
  for (const key of ['target', 'toMany', 'inverse', 'foreignKey', 'required', 'membersRequireOwner', 'joinTable'] as const) {
    if (!same(r[key], facts[key])) problems.push(`${at}: the description says ${key} ${JSON.stringify(r[key] ?? null)}; Prisma says ${JSON.stringify(facts[key] ?? null)} (${field!.name} ${schemaType(field!)}).`);
  }
  const target = byName.get(facts.target);
  if (!target) {
    problems.push(`${at}: the related model ${field!.type} has no description.`);
    return;
  }
  // The services answer a relationship by following its inverse (related rows, linkage, one-to-one checks).
  const inverse = target.relationships.find((i) => i.field === facts.inverse);
  if (!inverse) {
    problems.push(`${at}: its inverse ${field!.type}.${facts.inverse} is not described: add the relationship ${JSON.stringify(facts.inverse)} to the ${target.type} description.`);
  } else if (inverse.inverse !== r.field || inverse.target !== d.name) {
    problems.push(`${at}: its inverse ${target.type}.${inverse.external} points back to ${inverse.target}.${inverse.inverse}, not here.`);
  }
  // The services build the foreign key's SQL column from the field's name.
  const fk = facts.foreignKey && fieldOf(model, facts.foreignKey);
  if (fk && (fk.dbName ?? fk.name) !== column(fk.name)) problems.push(`${at}: its foreign key ${fk.name} is stored in column ${fk.dbName ?? fk.name}; @map it to ${column(fk.name)}.`);
}

/** A field Prisma requires with no default must be settable, or no create can succeed; the audit fields must be there. */
function checkRequiredColumns(d: ResourceDescription, model: PrismaModel, problems: string[]): void {
  for (const [name, type] of Object.entries(auditFields)) {
    const f = fieldOf(model, name);
    if (f?.type !== type || f.isList) problems.push(`${d.type} (${model.name}.${name}): the services record it on every write; the model needs ${name} ${type}${type === 'String' ? '? @db.VarChar(80)' : ' @default(now()) @db.Date'}${f ? `, not ${schemaType(f)}` : ''}.`);
  }
  for (const f of model.fields) {
    if (f.kind === 'object' || f.isId || !f.isRequired || f.hasDefaultValue || f.isUpdatedAt) continue;
    const relation = model.fields.find((r) => r.relationFromFields?.includes(f.name));
    const settable = relation ? d.relationships.some((r) => r.field === relation.name) : d.attributes.some((a) => a.field === f.name && !a.readOnly);
    if (!settable) {
      problems.push(`${d.type} (${model.name}.${f.name}): Prisma requires it (${schemaType(f)}, no default) but the description ${relation ? `does not describe the relationship ${relation.name}` : 'has no writable attribute for it'}: no create could succeed.`);
    }
  }
}

/** Filters, search paths and sortable fields must resolve through described relationships to described attributes. */
function checkPaths(d: ResourceDescription, byName: ReadonlyMap<string, ResourceDescription>, problems: string[]): void {
  const resolve = (path: string): { leaf: AttributeDescription | 'id' } | { problem: string } => {
    let current = d;
    const parts = path.split('.');
    for (const part of parts.slice(0, -1)) {
      const rel = current.relationships.find((r) => r.field === part);
      const next = rel && byName.get(rel.target);
      if (!next) return { problem: `${part} is not a described relationship of ${current.type}` };
      current = next;
    }
    const last = parts[parts.length - 1]!;
    const leaf = last === 'id' ? 'id' : current.attributes.find((a) => a.field === last);
    return leaf ? { leaf } : { problem: `${last} is not a described attribute of ${current.type}` };
  };
  for (const [i, f] of d.filters.entries()) {
    const at = `${d.type} filter[${f.external}] (${f.path})`;
    if (d.filters.findIndex((o) => o.external === f.external) !== i) problems.push(`${at}: more than one filter has this name.`);
    const resolved = resolve(f.path);
    if ('problem' in resolved) problems.push(`${at}: ${resolved.problem}.`);
    else {
      const type = resolved.leaf === 'id' ? 'uuid' : resolved.leaf.type;
      const textOnly = f.lookups.filter((l) => textOnlyLookups.includes(l));
      if (type !== 'string' && textOnly.length) problems.push(`${at}: the lookups ${textOnly.join(', ')} apply to text; the field is ${type}.`);
    }
  }
  for (const path of d.searchPaths) {
    const resolved = resolve(path);
    if ('problem' in resolved) problems.push(`${d.type} search path ${path}: ${resolved.problem}.`);
    else if (resolved.leaf === 'id') problems.push(`${d.type} search path ${path}: ids are not searched.`);
    else if (resolved.leaf.type !== 'string') problems.push(`${d.type} search path ${path}: search matches text; the field is ${resolved.leaf.type}.`);
  }
}

/**
 * The order an import loads resources in, so that a row's relationships point
 * at rows loaded before it: after the targets of its foreign keys (required
 * ones always; optional ones too unless they form a cycle) and, for an
 * implicit many-to-many, the model Prisma names B after A (the B side's rows
 * carry the links). Ties keep the schema's model order.
 */
export function importOrderOf(descriptions: readonly ResourceDescription[], dm: Datamodel): { order: ResourceDescription[]; problems: string[] } {
  const rank = (d: ResourceDescription) => dm.models.findIndex((m) => m.name === d.prismaModel);
  const sorted = [...descriptions].sort((a, b) => rank(a) - rank(b));
  const edges = (requiredOnly: boolean) =>
    new Map(
      sorted.map((d) => [
        d.name,
        new Set(
          d.relationships
            .filter((r) => r.target !== d.name && (r.foreignKey ? r.required || !requiredOnly : !requiredOnly && r.joinTable?.column === 'B'))
            .map((r) => r.target),
        ),
      ]),
    );
  const attempt = (after: Map<ResourceName, Set<ResourceName>>): ResourceDescription[] | undefined => {
    const order: ResourceDescription[] = [];
    const left = [...sorted];
    while (left.length) {
      const next = left.findIndex((d) => [...after.get(d.name)!].every((t) => order.some((o) => o.name === t) || !left.some((l) => l.name === t)));
      if (next < 0) return undefined;
      order.push(...left.splice(next, 1));
    }
    return order;
  };
  const order = attempt(edges(false)) ?? attempt(edges(true));
  if (order) return { order, problems: [] };
  return { order: sorted, problems: [`the required foreign keys form a cycle (${sorted.filter((d) => d.relationships.some((r) => r.required)).map((d) => d.type).join(', ')}): no import order loads every row after what it points at.`] };
}
