// The arguments of every list, at the root and nested under a record (a
// course's courseTerms): filter, search, sort and either cursor (first/after,
// last/before) or page-number (offset/limit) pagination.
import { ArgsType, InputType, Int, registerEnumType } from 'type-graphql';
import type { ResourceDescription } from '../../resources/description.js';
import { constantCase } from '../naming.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../resources/list-policy.js';
import type { PageArgs } from '../pagination.js';
import { addField, namedClass, type GraphQLClass } from './define.js';

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortDirection, { name: 'SortDirection' });

function sortInput(description: ResourceDescription): GraphQLClass {
  const fields: Record<string, string> = { ID: 'id' };
  for (const a of description.attributes) if (a.sortable) fields[constantCase(a.field)] = a.field;
  const enumName = `${description.graphqlName}SortField`;
  registerEnumType(fields, { name: enumName, description: `Fields ${description.label} lists can be sorted by.` });
  const input = namedClass(`${description.graphqlName}Sort`);
  addField(input, 'field', () => fields);
  addField(input, 'direction', () => SortDirection, { defaultValue: SortDirection.ASC });
  InputType(`${description.graphqlName}Sort`, { description: 'One sort key; later keys break ties of earlier ones (REST: sort=a,-b).' })(input);
  return input;
}

export interface ListArgs extends PageArgs {
  filter?: Record<string, unknown> | null;
  search?: string | null;
  sort?: { field: string; direction: SortDirection }[] | null;
}

export function listArgsType(description: ResourceDescription, filter: GraphQLClass): GraphQLClass {
  const sort = sortInput(description);
  const args = namedClass(`${description.graphqlName}ListArgs`);
  const page = `at most ${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE}`;
  addField(args, 'filter', () => filter, { nullable: true, description: 'REST: filter[…]' });
  addField(args, 'search', () => String, { nullable: true, description: 'Every word must appear in one of the searched fields, ignoring case (REST: filter[search]).' });
  addField(args, 'sort', () => [sort], { nullable: true, description: 'REST: sort' });
  addField(args, 'first', () => Int, { nullable: true, description: `Records after \`after\` (${page}).` });
  addField(args, 'after', () => String, { nullable: true });
  addField(args, 'last', () => Int, { nullable: true, description: `Records before \`before\` (${page}).` });
  addField(args, 'before', () => String, { nullable: true });
  addField(args, 'offset', () => Int, { nullable: true, description: 'Page-number style: records to skip (REST: (page[number] - 1) × page[size]).' });
  addField(args, 'limit', () => Int, { nullable: true, description: `Page-number style: page size (${page}; REST: page[size]).` });
  ArgsType()(args);
  return args;
}

