// Mutations are authorized as a whole before any of them runs: for every
// mutation field of the operation, the policy is asked (through the service,
// ResourceService.authorizeWrite) about the write and about what its
// selection asks to see. Resolvers alone would decide field by field, during
// execution: `createCourse { courseTerms { … } }` would store the course, then
// fail on reading its terms, and a second mutation field refused would come
// after the first was stored.
//
// Selecting the written record's `id` and `__typename` needs only the write;
// anything more (attributes, relationships) is a read. @skip/@include are
// honoured with the operation's variables (as graphql-js's execution does);
// type conditions of fragments are not narrowed, so a selection counts if it
// may apply.
//
// Then, for every operation, the field rules: a selected non-null attribute
// the policy hides from the caller refuses the operation before execution
// (field-authorization.ts).
import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  getDirectiveValues,
  getVariableValues,
  Kind,
  OperationTypeNode,
  type FieldNode,
  type GraphQLField,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { getArgumentValues } from 'graphql/execution/values.js';
import { authErrorResponse, isAuthError } from '../auth/errors.js';
import { SERVICE_ERROR_STATUS, ServiceError } from '../errors.js';
import type { GraphQLContext } from './context.js';
import { toGraphQLError } from './errors.js';
import { refuseHiddenNonNullFields } from './field-authorization.js';
import type { WriteExtension } from './resolvers/resources.js';

type Variables = Record<string, unknown>;

/** The fields a selection set selects, through fragments, without the ones @skip/@include leave out. */
function* selectedFields(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Variables,
  seen: ReadonlySet<string> = new Set(),
): Generator<FieldNode> {
  for (const selection of selectionSet.selections) {
    if (!included(selection, variables)) continue;
    if (selection.kind === Kind.FIELD) yield selection;
    else if (selection.kind === Kind.INLINE_FRAGMENT) yield* selectedFields(selection.selectionSet, fragments, variables, seen);
    else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      // Unknown or cyclic fragments are graphql's own validation errors.
      if (fragment && !seen.has(name)) yield* selectedFields(fragment.selectionSet, fragments, variables, new Set([...seen, name]));
    }
  }
}

/** False only when @skip/@include certainly leave the selection out; a bad `if` is execution's error to report. */
function included(selection: SelectionNode, variables: Variables): boolean {
  try {
    if (getDirectiveValues(GraphQLSkipDirective, selection, variables)?.if === true) return false;
    if (getDirectiveValues(GraphQLIncludeDirective, selection, variables)?.if === false) return false;
  } catch {
    // counted, to be safe
  }
  return true;
}

const identityFields: ReadonlySet<string> = new Set(['id', '__typename']);

/** Whether a mutation's selection of the written record asks for more than its identity. */
function asksToRead(field: FieldNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, variables: Variables): boolean {
  if (!field.selectionSet) return false;
  for (const selected of selectedFields(field.selectionSet, fragments, variables)) if (!identityFields.has(selected.name.value)) return true;
  return false;
}

/** The operation's variables as execution will see them; none if they are invalid (execution reports that). */
function variablesOf(schema: GraphQLSchema, operation: OperationDefinitionNode, given: Variables | undefined): Variables {
  const result = getVariableValues(schema, operation.variableDefinitions ?? [], given ?? {}, { maxErrors: 1 });
  return result.coerced ?? {};
}

/** The refusal as a request error: the policy's HTTP status and RFC 6750 challenge, as for a bad token. */
function refusal(error: unknown, field: FieldNode): unknown {
  const translated = toGraphQLError(error);
  const answer = authErrorResponse(error);
  if (!(translated instanceof GraphQLError) || !answer) return translated;
  return new GraphQLError(translated.message, {
    nodes: field,
    originalError: error as Error,
    extensions: { ...translated.extensions, http: { status: answer.status, headers: new Map(Object.entries(answer.headers)) } },
  });
}

export function writeAuthorizationPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    // eslint-disable-next-line @typescript-eslint/require-await -- Apollo's plugin hooks return Promises
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          if (!operation) return;
          const root = schema.getRootType(operation.operation);
          if (!root) return;
          const fragments = new Map<string, FragmentDefinitionNode>();
          for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
          const variables = variablesOf(schema, operation, request.variables);
          if (operation.operation === OperationTypeNode.MUTATION) await authorizeWrites(root, operation, fragments, variables, contextValue);
          refuseHiddenNonNullFields(schema, root, operation.selectionSet, fragments, variables, contextValue, included);
        },
      };
    },
  };
}

/**
 * Every mutation field of the operation, authorized before any runs; the first
 * refusal is thrown. Then, under row rules, the stored row each field names
 * by its `id` argument (ResourceService.authorizeRows): 404 when the caller
 * cannot see it, 403 when the rule refuses the write, before any field writes.
 */
async function authorizeWrites(
  root: GraphQLObjectType,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Variables,
  contextValue: GraphQLContext,
): Promise<void> {
  const definitions = root.getFields();
  const rows: { field: FieldNode; write: WriteExtension; id: string }[] = [];
  for (const field of selectedFields(operation.selectionSet, fragments, variables)) {
    if (field.name.value === '__typename') continue;
    const write = definitions[field.name.value]?.extensions.write as WriteExtension | undefined;
    // Fail closed: a mutation that does not say what it writes is a bug (resolvers/resources.ts `writes`).
    if (!write) throw new Error(`The mutation ${field.name.value} has no write extension.`);
    try {
      contextValue.services[write.resource].authorizeWrite(contextValue.auth, write.kind, { asksToRead: asksToRead(field, fragments, variables) });
    } catch (error) {
      if (isAuthError(error)) throw refusal(error, field);
      throw error;
    }
    if (contextValue.auth.rules) {
      const id = idArgument(definitions[field.name.value]!, field, variables, write.kind === 'create');
      if (id !== undefined) rows.push({ field, write, id });
    }
  }
  // Rows the operation's own creates make (client-generated ids) are checked by those fields.
  const created = new Set(rows.filter((r) => r.write.kind === 'create').map((r) => r.id));
  for (const { field, write, id } of rows) {
    if (write.kind === 'create') continue;
    try {
      await contextValue.services[write.resource].authorizeRows(contextValue.auth, write.kind, id, {}, created);
    } catch (error) {
      throw rowRefusal(error, field);
    }
  }
}

/**
 * The field's `id` argument (a create's: its input's client-generated `id`) as execution will see
 * it; undefined when it has none or it is invalid (execution reports that).
 */
function idArgument(definition: GraphQLField<unknown, unknown>, field: FieldNode, variables: Variables, create: boolean): string | undefined {
  if (!definition.args.some((a) => a.name === (create ? 'input' : 'id'))) return undefined;
  try {
    const args = getArgumentValues(definition, field, variables);
    const id = create ? (args.input as { id?: unknown } | undefined)?.id : args.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** A row rule's refusal (404 or 403, or what the database said) as a request error at the field, with its HTTP status. */
function rowRefusal(error: unknown, field: FieldNode): unknown {
  const translated = toGraphQLError(error);
  if (!(translated instanceof GraphQLError) || !(error instanceof ServiceError)) return translated;
  const status = SERVICE_ERROR_STATUS[error.code];
  return new GraphQLError(translated.message, { nodes: field, path: [field.alias?.value ?? field.name.value], originalError: error, extensions: { ...translated.extensions, http: { status } } });
}
