// The resource descriptions against Prisma's own schema metadata (DMMF): the
// registry's descriptions pass and take Prisma's facts; a description that is
// wrong (a length, a nullability, a missing inverse, a field Prisma does not
// have) fails with a message naming the resource and the field.
import { describe, expect, test } from '@jest/globals';
import type { AttributeDescription, ResourceDefinition, ResourceDescription } from '../../src/resources/description.js';
import { prismaDatamodel, schemaType, staleMetadata } from '../../src/resources/prisma-metadata.js';
import { assertResourcesMatchSchema, importOrder, resourceDefinitions, resourceList, resourceProblems, resources } from '../../src/resources/registry.js';
import { checkDescriptions, describeResources, importOrderOf, ResourceSchemaError } from '../../src/resources/schema-check.js';

const dm = prismaDatamodel;
const prismaField = (model: string, field: string) => dm.models.find((m) => m.name === model)!.fields.find((f) => f.name === field)!;

/** The registry's descriptions with one resource's description replaced. */
const withResource = (name: string, change: (d: ResourceDescription) => ResourceDescription) => resourceList.map((d) => (d.name === name ? change(d) : d));
const withAttribute = (d: ResourceDescription, field: string, change: Partial<AttributeDescription>): ResourceDescription => ({
  ...d,
  attributes: d.attributes.map((a) => (a.field === field ? { ...a, ...change } : a)),
});
/** The description files' definitions with one changed, described and checked as at start-up. */
function problemsWithDefinition(model: string, change: (d: ResourceDefinition) => ResourceDefinition): string[] {
  const described = describeResources(
    resourceDefinitions.map((d) => (d.model === model ? change(d) : d)),
    dm,
  );
  return [...described.problems, ...checkDescriptions(described.descriptions, dm)];
}

describe('the descriptions of this repository', () => {
  test('match prisma/schema.prisma, and the generated metadata is current', () => {
    expect(staleMetadata()).toBeUndefined();
    expect(resourceProblems).toEqual([]);
    expect(() => assertResourcesMatchSchema()).not.toThrow();
  });

  test('every Prisma model is a resource; names and types come from the registry', () => {
    // Models documented `/// @internal` are the server's own storage (the built-in authorization server's state, the audit table).
    const served = dm.models.filter((m) => !m.documentation?.startsWith('@internal'));
    expect(served.length).toBeLessThan(dm.models.length);
    expect(resourceList.map((d) => d.prismaModel).sort()).toEqual(served.map((m) => m.name).sort());
    for (const d of resourceList) expect(resources[d.name]).toBe(d);
  });

  test("Prisma's facts are read from it: types, lengths, nullability, defaults, uniqueness, enum values", () => {
    for (const d of resourceList) {
      for (const a of d.attributes) {
        const f = prismaField(d.prismaModel, a.field);
        const at = `${d.type}.${a.external} (${schemaType(f)})`;
        expect({ at, nullable: a.nullable, required: a.required, unique: a.unique, column: a.column }).toEqual({
          at,
          nullable: !f.isRequired,
          required: f.isRequired && !f.hasDefaultValue,
          unique: f.isUnique,
          column: f.dbName ?? f.name,
        });
        const varchar = f.nativeType?.[0] === 'VarChar' ? Number(f.nativeType[1][0]) : undefined;
        expect({ at, maxLength: a.maxLength }).toEqual({ at, maxLength: varchar });
        if (f.kind === 'enum') expect({ at, values: a.enumValues }).toEqual({ at, values: dm.enums.find((e) => e.name === f.type)!.values.map((v) => v.name) });
      }
    }
    // At least one of each kind is exercised above (a length, an enum, a nullable field).
    const all = resourceList.flatMap((d) => d.attributes);
    expect(all.some((a) => a.maxLength !== undefined) && all.some((a) => a.type === 'enum') && all.some((a) => a.nullable)).toBe(true);
  });

  test('every relationship has its inverse, described on the other side and pointing back', () => {
    for (const d of resourceList) {
      for (const r of d.relationships) {
        const inverse = resources[r.target].relationships.find((i) => i.field === r.inverse);
        expect({ at: `${d.type}.${r.external}`, back: inverse && `${inverse.target}.${inverse.inverse}` }).toEqual({ at: `${d.type}.${r.external}`, back: `${d.name}.${r.field}` });
      }
    }
  });

  test('the import order loads every foreign key and many-to-many link target before the rows that point at it', () => {
    expect([...importOrder].sort((a, b) => a.type.localeCompare(b.type))).toEqual([...resourceList].sort((a, b) => a.type.localeCompare(b.type)));
    const position = (name: string) => importOrder.findIndex((d) => d.name === name);
    for (const d of importOrder) {
      for (const r of d.relationships.filter((x) => x.foreignKey || x.joinTable?.column === 'B')) {
        expect({ [d.type]: r.external, before: position(r.target) < position(d.name) }).toEqual({ [d.type]: r.external, before: true });
      }
    }
  });
});

describe('a wrong description fails the check, naming the resource and field', () => {
  // A text attribute with a length limit, and a nullable one, from the schema itself.
  const [limited, limitedAttr] = resourceList.flatMap((d) => d.attributes.filter((a) => a.maxLength !== undefined && !a.readOnly).map((a) => [d, a] as const))[0]!;
  const [nullableOwner, nullableAttr] = resourceList.flatMap((d) => d.attributes.filter((a) => a.nullable && !a.readOnly).map((a) => [d, a] as const))[0]!;
  const name = (d: ResourceDescription, a: AttributeDescription) => `${d.type}.${a.external} (${d.prismaModel}.${a.field})`;

  test('a wrong length', () => {
    const problems = checkDescriptions(withResource(limited.name, (d) => withAttribute(d, limitedAttr.field, { maxLength: limitedAttr.maxLength! + 20 })), dm);
    expect(problems).toEqual([
      `${name(limited, limitedAttr)}: the description says at most ${limitedAttr.maxLength! + 20} characters; Prisma says ${schemaType(prismaField(limited.prismaModel, limitedAttr.field))}.`,
    ]);
    expect(problems[0]).toContain(`@db.VarChar(${limitedAttr.maxLength})`);
  });

  test('an exact length longer than the column (a rule the description file states)', () => {
    const problems = problemsWithDefinition(limited.prismaModel, (d) => ({
      ...d,
      attributes: d.attributes.map((a) => (a.field === limitedAttr.field ? { ...a, length: limitedAttr.maxLength! + 1 } : a)),
    }));
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^${escape(name(limited, limitedAttr))}: the exact length ${limitedAttr.maxLength! + 1} does not fit: Prisma says .*@db\\.VarChar\\(${limitedAttr.maxLength}\\)`))]);
  });

  test('a wrong nullability', () => {
    const problems = checkDescriptions(withResource(nullableOwner.name, (d) => withAttribute(d, nullableAttr.field, { nullable: false })), dm);
    expect(problems).toEqual([`${name(nullableOwner, nullableAttr)}: the description says it may not be null; Prisma says ${schemaType(prismaField(nullableOwner.prismaModel, nullableAttr.field))} (optional).`]);
    expect(problems[0]).toMatch(/\?/); // the schema's optional marker, quoted
  });

  test('a read-only attribute on a column Prisma requires without a default', () => {
    const [owner, attr] = resourceList.flatMap((d) => d.attributes.filter((a) => a.required).map((a) => [d, a] as const))[0]!;
    const problems = problemsWithDefinition(owner.prismaModel, (d) => ({ ...d, attributes: d.attributes.map((a) => (a.field === attr.field ? { ...a, readOnly: true } : a)) }));
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^${escape(name(owner, attr))}: is read-only .* no create could succeed\\.$`)), expect.stringContaining(`(${owner.prismaModel}.${attr.field}): Prisma requires it`)]);
  });

  test('a missing inverse relationship', () => {
    // Take a relationship away from its target's description: the side pointing at it loses its inverse.
    const [owner, rel] = resourceList.flatMap((d) => d.relationships.map((r) => [d, r] as const))[0]!;
    const target = resources[rel.target];
    const inverse = target.relationships.find((r) => r.field === rel.inverse)!;
    const problems = problemsWithDefinition(target.prismaModel, (d) => ({ ...d, relationships: d.relationships.filter((r) => r.field !== rel.inverse), filters: d.filters.filter((f) => !f.path.startsWith(`${rel.inverse}.`)), searchPaths: d.searchPaths.filter((p) => !p.startsWith(`${rel.inverse}.`)) }));
    expect(problems).toContain(
      `${owner.type}.${rel.external} (${owner.prismaModel}.${rel.field}): its inverse ${target.prismaModel}.${inverse.field} is not described: add the relationship "${inverse.field}" to the ${target.type} description.`,
    );
  });

  test('a field Prisma does not have, an attribute that is a relation, a model that is not there', () => {
    const [owner] = resourceList;
    const relation = owner!.relationships[0]!;
    const problems = problemsWithDefinition(owner!.prismaModel, (d) => ({
      ...d,
      attributes: [...d.attributes, { field: 'colour', external: 'colour' }, { field: relation.field, external: 'as_attribute' }],
    }));
    expect(problems).toEqual([
      `${owner!.type}.colour (${owner!.prismaModel}.colour): is not a field of model ${owner!.prismaModel}.`,
      `${owner!.type}.as_attribute (${owner!.prismaModel}.${relation.field}): is a relation field: describe it as a relationship.`,
    ]);
    const missingModel = describeResources([{ ...resourceDefinitions[0]!, model: 'Colour' as never }], dm);
    expect(missingModel.problems[0]).toMatch(/^[a-z_]+: "Colour" is not a model of prisma\/schema\.prisma/);
    expect(checkDescriptions(missingModel.descriptions, dm)).toEqual(expect.arrayContaining([expect.stringMatching(/^model \w+: no description; add one in src\/resources\/descriptions\//)]));
  });

  test('a filter or search path that does not resolve, or a text lookup on a number', () => {
    const numeric = resourceList.flatMap((d) => d.attributes.filter((a) => a.type === 'integer' || a.type === 'float').map((a) => [d, a] as const))[0]!;
    const problems = checkDescriptions(
      withResource(numeric[0].name, (d) => ({ ...d, filters: [...d.filters, { external: 'odd', path: `${numeric[1].field}`, lookups: ['contains'] }], searchPaths: [...d.searchPaths, 'nowhere.name'] })),
      dm,
    );
    expect(problems).toEqual([
      `${numeric[0].type} filter[odd] (${numeric[1].field}): the lookups contains apply to text; the field is ${numeric[1].type}.`,
      `${numeric[0].type} search path nowhere.name: nowhere is not a described relationship of ${numeric[0].type}.`,
    ]);
  });

  test('a model without the audit fields the services write', () => {
    const [owner] = resourceList;
    const model = dm.models.find((m) => m.name === owner!.prismaModel)!;
    const without = { ...dm, models: dm.models.map((m) => (m === model ? { ...m, fields: m.fields.filter((f) => f.name !== 'lastModDate') } : m)) };
    const definitions = resourceDefinitions.map((d) => (d.model === owner!.prismaModel ? { ...d, attributes: d.attributes.filter((a) => a.field !== 'lastModDate') } : d));
    const described = describeResources(definitions, without);
    expect([...described.problems, ...checkDescriptions(described.descriptions, without)]).toEqual([
      `${owner!.type} (${model.name}.lastModDate): the services record it on every write; the model needs lastModDate DateTime @default(now()) @db.Date.`,
    ]);
  });

  test('the start-up error lists every problem', () => {
    const error = new ResourceSchemaError(['courses.a (Course.a): one.', 'courses.b (Course.b): two.']);
    expect(error.message).toBe('The resource descriptions (src/resources/descriptions) do not match prisma/schema.prisma:\n  - courses.a (Course.a): one.\n  - courses.b (Course.b): two.');
  });
});

test('required foreign keys that point at each other admit no import order', () => {
  const [a, b] = resourceList;
  const required = (from: ResourceDescription, to: ResourceDescription): ResourceDescription => ({
    ...from,
    relationships: [...from.relationships, { field: 'x', external: 'x', target: to.name, toMany: false, inverse: 'y', foreignKey: 'xId', required: true, membersRequireOwner: false }],
  });
  const { problems } = importOrderOf([required(a!, b!), required(b!, a!)], dm);
  expect(problems).toEqual([expect.stringMatching(/^the required foreign keys form a cycle \(.*\): no import order/)]);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
