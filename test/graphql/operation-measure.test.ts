// The cost estimate sees page sizes as execution will (GraphQL spec §6.4.1):
// literal, passed variable, the variable's declared default, the argument's
// own schema default. The served schema declares no default page size, so
// that last source is checked here against a schema that does; the other
// sources are also checked over HTTP in limits.test.ts.
import { describe, expect, test } from '@jest/globals';
import { buildSchema, Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { checkOperation } from '../../src/graphql/limits/operation-limits.js';

const schema = buildSchema(`
  type Query { courses(first: Int = 100, last: Int, limit: Int): CourseConnection! }
  type PageInfo { hasNextPage: Boolean! }
  type CourseConnection { nodes: [Course!]! pageInfo: PageInfo! totalCount: Int! }
  type Course { id: ID! courseTerms(first: Int = 100, limit: Int): CourseTermConnection! }
  type CourseTermConnection { nodes: [CourseTerm!]! pageInfo: PageInfo! totalCount: Int! }
  type CourseTerm { id: ID! }
`);

const limits = { maxDepth: 8, maxCost: 1000, maxAliases: 3, maxDirectives: 3, maxFragments: 5 };

function check(source: string, variables: Record<string, unknown> = {}) {
  const document = parse(source);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return checkOperation({ schema, fragments, variables }, operation, limits)?.extensions;
}

// 1 + 100 × (1 + 1 + 100 × 1): 100 courses, each with its page of 100 terms.
const hundredByHundred = { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', cost: 10201 };

describe('cost uses coerced page sizes', () => {
  test("the argument's schema default counts when the operation gives none", () => {
    expect(check('{ courses { nodes { courseTerms { nodes { id } } } } }')).toMatchObject(hundredByHundred);
    // a given size overrides it
    expect(check('{ courses(first: 10) { nodes { courseTerms(first: 10) { nodes { id } } } } }')).toBeUndefined();
  });

  test("a variable's declared default counts when the variable is not passed; a passed value overrides it", () => {
    const source = 'query($n: Int = 100) { courses(first: $n) { nodes { courseTerms(first: $n) { nodes { id } } } } }';
    expect(check(source)).toMatchObject(hundredByHundred);
    expect(check(source, { n: 10 })).toBeUndefined();
  });

  test("a variable not passed (and without a default) leaves the argument's schema default; the largest of first/last/limit counts", () => {
    expect(check('query($n: Int) { courses(first: 10) { nodes { courseTerms(first: $n) { nodes { id } } } } }')).toMatchObject({ cost: 1 + 10 * (2 + 100) });
    expect(check('query($n: Int) { courses(first: 10) { nodes { courseTerms(limit: $n, first: 1) { nodes { id } } } } }', { n: 100 })).toMatchObject({ cost: 1 + 10 * (2 + 100) });
    expect(check('{ courses(first: 10, limit: 100) { nodes { id } } }')).toBeUndefined(); // 1 + 100 × 1
  });

  test('@skip/@include are not evaluated: a skipped selection still counts, so it cannot hide an expensive one', () => {
    const source = 'query($big: Boolean!) { courses(first: 10) { nodes { courseTerms(first: 100) @include(if: $big) { nodes { id } } } } }';
    expect(check(source, { big: false })).toMatchObject({ cost: 1 + 10 * (2 + 100) });
  });

  test('variables that cannot be coerced are left to execution, which refuses them before anything runs', () => {
    expect(check('query($n: Int) { courses(first: $n) { nodes { id } } }', { n: 'ten' })).toBeUndefined();
  });
});

describe('aliases and directives are counted as written, at every spread', () => {
  test('a fragment spread twice counts its aliases twice; aliases of __typename are free', () => {
    const twice = '{ courses(first: 1) { nodes { ...A ...A } } } fragment A on Course { a: id b: id t: __typename }';
    expect(check(twice)).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'aliases', aliases: 4, maxAliases: 3 });
    expect(check('{ courses(first: 1) { nodes { ...A } } } fragment A on Course { a: id b: id t: __typename }')).toBeUndefined();
  });

  test('directives on the operation, fields, spreads, inline fragments and fragment definitions count', () => {
    const four = 'query @skip(if: false) { courses(first: 1) @include(if: true) { nodes { ...A @include(if: true) } } } fragment A on Course @skip(if: false) { id }';
    expect(check(four)).toMatchObject({ limit: 'directives', directives: 4, maxDirectives: 3 });
    expect(check('{ courses(first: 1) { nodes { ... @include(if: true) { id } ...A } } } fragment A on Course @skip(if: false) { id @skip(if: false) }')).toBeUndefined();
  });

  test('inside introspection fields aliases still count, depth and cost do not', () => {
    expect(check('{ __schema { types { a: name b: name c: name d: name } } }')).toMatchObject({ limit: 'aliases', aliases: 4 });
    expect(check('{ __schema { types { fields { type { fields { type { fields { type { fields { type { name } } } } } } } } } } }')).toBeUndefined();
  });
});
