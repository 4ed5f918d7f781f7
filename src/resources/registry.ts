// All resources: every description file in ./descriptions/ (found by listing
// the folder, so adding a resource registers it), completed from Prisma's
// metadata and checked against it. Names, JSON:API types and the import order
// are derived from here; nothing else lists the resources.
import { readdirSync } from 'node:fs';
import type { ResourceDefinition, ResourceDescription, ResourceName } from './description.js';
import { prismaDatamodel, staleMetadata } from './prisma-metadata.js';
import { checkDescriptions, describeResources, importOrderOf, ResourceSchemaError } from './schema-check.js';

const folder = new URL('./descriptions/', import.meta.url);
/** Compiled (.js) or source (.ts, under the test runner) description modules. */
const files = readdirSync(folder)
  .filter((f) => /\.[cm]?[jt]s$/.test(f) && !/\.d\.[cm]?ts$/.test(f))
  .sort();

const loadProblems: string[] = [];
const definitions: ResourceDefinition[] = [];
for (const file of files) {
  const module = (await import(`./descriptions/${file.replace(/\.[cm]?[jt]s$/, '.js')}`)) as { default?: ResourceDefinition };
  const definition = module.default;
  if (definition && typeof definition === 'object' && typeof definition.model === 'string' && typeof definition.type === 'string') definitions.push(definition);
  else loadProblems.push(`src/resources/descriptions/${file}: expected \`export default defineResource({ model, type, attributes, relationships, filters, searchPaths })\`.`);
}

/** What the description files say, before Prisma's facts are added (for tests of the check). */
export const resourceDefinitions: readonly ResourceDefinition[] = definitions;

const described = describeResources(definitions, prismaDatamodel);
const ordered = importOrderOf(described.descriptions, prismaDatamodel);
const stale = staleMetadata();

/**
 * Everything wrong with the descriptions, found once when this module loads:
 * stale generated metadata, descriptions Prisma contradicts, missing inverses,
 * paths that do not resolve, an impossible import order.
 */
export const resourceProblems: readonly string[] = stale
  ? [stale]
  : [...loadProblems, ...described.problems, ...checkDescriptions(described.descriptions, prismaDatamodel), ...ordered.problems];

/**
 * The start-up check (the server before it listens, the import CLI): throws a
 * ResourceSchemaError naming every resource and field that disagrees with
 * prisma/schema.prisma. The work was done once, when this module loaded.
 */
export function assertResourcesMatchSchema(): void {
  if (resourceProblems.length) throw new ResourceSchemaError(resourceProblems);
}

/** Every resource, in the order of the models in prisma/schema.prisma. */
export const resourceList: readonly ResourceDescription[] = [...described.descriptions].sort(
  (a, b) => prismaDatamodel.models.findIndex((m) => m.name === a.prismaModel) - prismaDatamodel.models.findIndex((m) => m.name === b.prismaModel),
);

export const resources = Object.fromEntries(resourceList.map((d) => [d.name, d])) as Readonly<Record<ResourceName, ResourceDescription>>;

/** Types in dependency order: a row's relationships point at rows loaded before it (see importOrderOf). */
export const importOrder: readonly ResourceDescription[] = ordered.order;

export function resourceByType(type: string): ResourceDescription | undefined {
  return resourceList.find((r) => r.type === type);
}
