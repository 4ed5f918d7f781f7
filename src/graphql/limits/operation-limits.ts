// Depth, cost, alias, directive and fragment limits (measured in
// operation-measure.ts), checked before graphql-js validates a document: as a
// validation rule that runs at the document's root, ahead of every other
// rule's work on selections, and stops validation when it refuses. That
// matters: graphql-js's OverlappingFieldsCanBeMerged takes time quadratic in
// the fragments a selection reaches (a 300-fragment chain, ~130 ms of CPU), so
// a document over the limits must never get that far. Documents Apollo had
// already validated (its document cache) skip validation; for those the same
// check runs once the operation is resolved.
import type { ApolloServerPlugin } from '@apollo/server';
import {
  getOperationAST,
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { GRAPHQL_CODES } from '../codes.js';
import { coerceVariables, DocumentMeasure, fragmentsOf, type Measure } from './operation-measure.js';

export interface OperationLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxDirectives: number;
  /** Fragment definitions in one document: what graphql-js's quadratic rule grows with. */
  maxFragments: number;
}

/** Refusals are validation failures: HTTP 400, code GRAPHQL_VALIDATION_FAILED. */
function refusal(message: string, operation: OperationDefinitionNode | undefined, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { nodes: operation, extensions: { code: GRAPHQL_CODES.validationFailed, http: { status: 400 }, ...extensions } });
}

/** Limits that do not depend on variables. */
function checkStructure(measure: Measure, operation: OperationDefinitionNode, limits: OperationLimits): GraphQLError | undefined {
  const { depth, aliases, directives } = measure;
  if (depth > limits.maxDepth) {
    return refusal(`The operation nests records ${depth} levels deep; at most ${limits.maxDepth} are allowed.`, operation, { limit: 'depth', depth, maxDepth: limits.maxDepth });
  }
  if (aliases > limits.maxAliases) {
    return refusal(`The operation uses ${aliases} aliases; at most ${limits.maxAliases} are allowed.`, operation, { limit: 'aliases', aliases, maxAliases: limits.maxAliases });
  }
  if (directives > limits.maxDirectives) {
    return refusal(`The operation uses ${directives} directives; at most ${limits.maxDirectives} are allowed.`, operation, {
      limit: 'directives',
      directives,
      maxDirectives: limits.maxDirectives,
    });
  }
  return undefined;
}

function checkCost({ cost }: Measure, operation: OperationDefinitionNode, limits: OperationLimits): GraphQLError | undefined {
  if (cost <= limits.maxCost) return undefined;
  return refusal(
    `The operation may return about ${cost} records; at most ${limits.maxCost} are allowed. Ask for smaller pages (first/last/limit) or fewer nested lists.`,
    operation,
    { limit: 'cost', cost, maxCost: limits.maxCost },
  );
}

export interface Walk {
  schema: GraphQLSchema;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  /** The request's variables as sent; coerced here against the operation's definitions. */
  variables: Readonly<Record<string, unknown>>;
}

/** One operation, with its variables: every limit. Variables that cannot be coerced are left to execution, which refuses them before anything runs. */
export function checkOperation(walk: Walk, operation: OperationDefinitionNode, limits: OperationLimits): GraphQLError | undefined {
  const variables = coerceVariables(walk.schema, operation, walk.variables);
  const measure = new DocumentMeasure(walk.schema, walk.fragments, variables ?? {}).operation(operation);
  return checkStructure(measure, operation, limits) ?? (variables ? checkCost(measure, operation, limits) : undefined);
}

export interface RequestToCheck {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Readonly<Record<string, unknown>> | null;
  /** Told the cost of the operation to run, once it is within the limits. */
  onCost?: (cost: number) => void;
}

/**
 * A whole document, as it arrives: its fragment count; every operation in it
 * for the limits that need no variables (graphql-js validates them all); the
 * operation to run for its cost. Two linear walks at most, whatever the
 * number of operations.
 */
export function checkRequest({ schema, document, operationName, variables, onCost }: RequestToCheck, limits: OperationLimits): GraphQLError | undefined {
  const fragments = fragmentsOf(document);
  const defined = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).length;
  if (defined > limits.maxFragments) {
    return refusal(`The document defines ${defined} fragments; at most ${limits.maxFragments} are allowed.`, undefined, { limit: 'fragments', fragments: defined, maxFragments: limits.maxFragments });
  }
  const structure = new DocumentMeasure(schema, fragments, {});
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const refused = checkStructure(structure.operation(definition), definition, limits);
    if (refused) return refused;
  }
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return undefined; // none, or not named clearly: Apollo refuses the request itself
  const coerced = coerceVariables(schema, operation, variables ?? {});
  if (!coerced) return undefined;
  const measure = new DocumentMeasure(schema, fragments, coerced).operation(operation);
  const refused = checkCost(measure, operation, limits);
  if (!refused) onCost?.(measure.cost);
  return refused;
}

/**
 * graphql-js has no public way for one rule to stop the others. Its own
 * fragment-work budget (ValidationContext.spendFragmentWork, graphql 16.15+)
 * stops validation by throwing the error validate() catches and reports as
 * "Validation aborted.", so exhausting that budget is how a refusal stops
 * the rest. Returns that error, to take it out of the answer (the refusal
 * says why). Without the method, the other rules run to the end: slower, but
 * bounded by graphql-js's own budgets, and the refusal stands.
 */
function abortValidation(context: ValidationContext, aborted: (error: unknown) => void): void {
  const spend = (context as unknown as { spendFragmentWork?: (work: number) => void }).spendFragmentWork;
  if (typeof spend !== 'function') return;
  try {
    spend.call(context, Number.POSITIVE_INFINITY);
  } catch (error) {
    aborted(error);
    throw error;
  }
}

interface RequestInput {
  operationName?: string | null;
  variables?: Readonly<Record<string, unknown>> | null;
}

export interface OperationLimitsOptions<C> {
  /**
   * Charged with the cost of each operation within the limits, before it
   * runs (the API-wide GraphQL cost budget); a GraphQLError thrown here is
   * the request's answer.
   */
  spend?: (context: C, cost: number) => Promise<void>;
}

/** The validation rule and the Apollo plugin that feeds it each request's operation name and variables. */
export function operationLimits<C extends object>(limits: OperationLimits, options: OperationLimitsOptions<C> = {}): { rule: ValidationRule; plugin: ApolloServerPlugin<C> } {
  // The document → the cost of its operation to run, measured by the rule.
  const costs = new WeakMap<DocumentNode, number>();
  // The document Apollo is about to validate → its request. Each request
  // parses its own document, so the key is unique to the request.
  const pending = new WeakMap<DocumentNode, RequestInput>();
  // The document → the error that stopped its validation after a refusal.
  const aborts = new WeakMap<DocumentNode, unknown>();
  const rule: ValidationRule = (context) => ({
    Document(document) {
      const input = pending.get(document) ?? {};
      pending.delete(document);
      const refused = checkRequest({ schema: context.getSchema(), document, ...input, onCost: (cost) => costs.set(document, cost) }, limits);
      if (!refused) return;
      context.reportError(refused);
      abortValidation(context, (error) => aborts.set(document, error));
    },
  });
  // Apollo's plugin hooks are typed to return Promises, awaited or not.
  /* eslint-disable @typescript-eslint/require-await */
  const plugin: ApolloServerPlugin<C> = {
    async requestDidStart() {
      let validated = false;
      return {
        async validationDidStart({ document, request }) {
          validated = true;
          pending.set(document, { operationName: request.operationName, variables: request.variables });
          return async (errors) => {
            // Apollo answers with this very list; "Validation aborted." adds nothing to the refusal.
            const index = errors?.indexOf(aborts.get(document) as Error) ?? -1;
            if (index >= 0) (errors as Error[]).splice(index, 1);
          };
        },
        // A document from Apollo's cache was not validated in this request:
        // check it here, with this request's variables (a throw here is
        // answered with the error's HTTP status, 400).
        async didResolveOperation({ schema, document, request, contextValue }) {
          let cost = costs.get(document);
          costs.delete(document);
          if (!validated) {
            const refused = checkRequest({ schema, document, operationName: request.operationName, variables: request.variables, onCost: (c) => (cost = c) }, limits);
            if (refused) throw refused;
          }
          if (options.spend && cost !== undefined) await options.spend(contextValue, cost);
        },
      };
    },
  };
  /* eslint-enable @typescript-eslint/require-await */
  return { rule, plugin };
}
