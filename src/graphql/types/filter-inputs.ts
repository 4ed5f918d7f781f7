// Filter inputs: the REST filter vocabulary (`eq` is JSON:API's bare
// `filter[x]=`, then in, lt, lte, gt, gte, contains, icontains, iexact, regex),
// one operator input per value type, arranged along the same paths as the
// REST filters: `course_terms.term_identifier` is `courseTerms: { termIdentifier: … }`.
import { InputType } from 'type-graphql';
import type { AttributeDescription, FilterDescription, Lookup, ResourceDescription } from '../../resources/description.js';
import { resolvePath } from '../../resources/query.js';
import { upperFirst } from '../naming.js';
import { addField, attributeType, namedClass, type GraphQLClass, type ReturnTypeFuncValue } from './define.js';

/** GraphQL operator name → service lookup. */
export const operatorLookups: Readonly<Record<string, Lookup>> = {
  eq: 'exact',
  in: 'in',
  lt: 'lt',
  lte: 'lte',
  gt: 'gt',
  gte: 'gte',
  contains: 'contains',
  icontains: 'icontains',
  iexact: 'iexact',
  regex: 'regex',
};
export const lookupOperator = (lookup: Lookup) => (lookup === 'exact' ? 'eq' : lookup);

const operatorHelp: Readonly<Record<string, string>> = {
  eq: 'Equal to (null: has no value).',
  in: 'Equal to one of these values.',
  lt: 'Less than.',
  lte: 'Less than or equal to.',
  gt: 'Greater than.',
  gte: 'Greater than or equal to.',
  contains: 'Contains this text (case-sensitive).',
  icontains: 'Contains this text, ignoring case.',
  iexact: 'Equal to this text, ignoring case.',
  regex: 'Matches this POSIX regular expression.',
};

const operatorInputs = new Map<string, GraphQLClass>();

/** StringFilter, IntFilter, IDFilter…: the operators a filter's lookups allow, on its value type. */
function operatorInput(attribute: AttributeDescription | 'id', lookups: readonly Lookup[]): GraphQLClass {
  const valueType = attributeType(attribute);
  const typeName = attribute === 'id' ? 'ID' : attribute.type === 'enum' ? upperFirst(attribute.field) : upperFirst(attribute.type === 'integer' ? 'int' : attribute.type);
  const name = `${typeName}Filter`;
  const key = `${name}:${lookups.join(',')}`;
  let input = operatorInputs.get(key);
  if (input) return input;
  if ([...operatorInputs.keys()].some((k) => k.startsWith(`${name}:`))) {
    throw new Error(`${name} is used with two different lookup sets; give one of them its own input name.`);
  }
  input = namedClass(name);
  for (const lookup of lookups) {
    const op = lookupOperator(lookup);
    const type: () => ReturnTypeFuncValue = lookup === 'in' ? () => [valueType] : () => valueType;
    addField(input, op, type, { nullable: true, description: operatorHelp[op] });
  }
  InputType(name, { description: `Conditions on one ${typeName === 'ID' ? 'id' : typeName.toLowerCase()} value; all given conditions must hold.` })(input);
  operatorInputs.set(key, input);
  return input;
}

/** A filter path tree: `courseTerms.course.courseName` → courseTerms → course → courseName (leaf). */
export interface FilterNode {
  children: Map<string, FilterNode>;
  leaf?: FilterDescription;
}

export function filterTree(description: ResourceDescription): FilterNode {
  const root: FilterNode = { children: new Map() };
  for (const filter of description.filters) {
    let node = root;
    for (const part of filter.path.split('.')) {
      let next = node.children.get(part);
      if (!next) node.children.set(part, (next = { children: new Map() }));
      node = next;
    }
    node.leaf = filter;
  }
  return root;
}

function build(description: ResourceDescription, node: FilterNode, prefix: string[]): GraphQLClass {
  const name = `${description.graphqlName}${prefix.map(upperFirst).join('')}Filter`;
  const input = namedClass(name);
  for (const [part, child] of node.children) {
    if (child.leaf) {
      const resolved = resolvePath(description, child.leaf.path);
      if (!resolved) throw new Error(`${description.name}: filter path ${child.leaf.path} does not resolve`);
      const ops = operatorInput(resolved.attribute, child.leaf.lookups);
      addField(input, part, () => ops, { nullable: true, description: `REST: filter[${child.leaf.external}]` });
    } else {
      const nested = build(description, child, [...prefix, part]);
      addField(input, part, () => nested, { nullable: true });
    }
  }
  InputType(name, {
    description: prefix.length ? `Conditions on ${description.label} records through ${prefix.join('.')}.` : `Conditions on ${description.label} records; all given conditions must hold (AND).`,
  })(input);
  return input;
}

export function filterInput(description: ResourceDescription): GraphQLClass {
  return build(description, filterTree(description), []);
}

