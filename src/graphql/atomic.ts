// `mutation … @atomic { … }`: every mutation field of the operation runs in
// one database transaction, stored together or not at all. The operation is
// refused before it runs when it has more fields than ATOMIC_MAX_OPERATIONS;
// every field was already authorized before any runs (./write-authorization.ts).
// While it runs, the resolvers' services (and loaders) are those of the
// transaction (the atomic use case, src/resources/atomic.ts). A field that
// fails ends the operation (every mutation field is non-null, so graphql-js
// runs none after it); the answer then has `data: null`, the field's error
// and a ROLLED_BACK error saying that nothing was stored.
//
// Why a directive (and not an `applyOperations` mutation mirroring JSON:API's
// operations): the fields are the schema's own mutations, with their typed
// inputs, nested creates and selections, so a client makes an operation
// atomic by adding one word; the rules (authorization of every field first,
// the limit, one transaction) are the same use case the JSON:API door runs.
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { DirectiveLocation, GraphQLDirective, GraphQLError, Kind, OperationTypeNode, type OperationDefinitionNode } from 'graphql';
import { atomicMessages, type AtomicWrites } from '../resources/atomic.js';
import { GRAPHQL_CODES } from './codes.js';
import type { GraphQLContext } from './context.js';
import { toGraphQLError } from './errors.js';
import { Loaders } from './loaders.js';

export const atomicDirective = new GraphQLDirective({
  name: 'atomic',
  description:
    'On a mutation: all its fields run in one database transaction, stored together or not at all (at most ATOMIC_MAX_OPERATIONS fields). A field that fails ends the operation; the answer then has data null and a ROLLED_BACK error.',
  locations: [DirectiveLocation.MUTATION],
});

const ROLLED_BACK = GRAPHQL_CODES.rolledBack;

const isAtomic = (operation: OperationDefinitionNode | undefined): operation is OperationDefinitionNode =>
  operation?.operation === OperationTypeNode.MUTATION && !!operation.directives?.some((d) => d.name.value === atomicDirective.name);

/** Top-level fields of the operation (fragments at the top level count their fields). */
function fieldCount(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, readonly unknown[]>): number {
  let count = 0;
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind === Kind.FIELD) count += selection.name.value === '__typename' ? 0 : 1;
    else if (selection.kind === Kind.INLINE_FRAGMENT) count += selection.selectionSet.selections.length;
    else count += fragments.get(selection.name.value)?.length ?? 0;
  }
  return count;
}

export function atomicPlugin(atomic: AtomicWrites): ApolloServerPlugin<GraphQLContext> {
  return {
    // eslint-disable-next-line @typescript-eslint/require-await -- Apollo's plugin hooks return Promises
    async requestDidStart(): Promise<GraphQLRequestListener<GraphQLContext>> {
      let open: Awaited<ReturnType<AtomicWrites['open']>> | undefined;
      return {
        // eslint-disable-next-line @typescript-eslint/require-await -- as above; a throw here must reach Apollo as a rejection
        async didResolveOperation({ operation, document }) {
          if (!isAtomic(operation)) return;
          const fragments = new Map<string, readonly unknown[]>();
          for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d.selectionSet.selections);
          const count = fieldCount(operation, fragments);
          if (count > atomic.maxOperations) {
            throw new GraphQLError(atomicMessages.tooMany(count, atomic.maxOperations), { extensions: { code: GRAPHQL_CODES.badUserInput, http: { status: 400 } } });
          }
        },
        async executionDidStart({ operation, contextValue }) {
          if (!isAtomic(operation)) return;
          try {
            open = await atomic.open(contextValue.auth);
          } catch (error) {
            throw toGraphQLError(error);
          }
          // The caller as the transaction sees it (its reads go to the transaction), its services and loaders.
          contextValue.auth = open.ctx;
          contextValue.services = open.services;
          contextValue.loaders = new Loaders(open.services, open.ctx);
        },
        async willSendResponse({ response }) {
          if (!open) return;
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const transaction = open;
          open = undefined;
          if (body && !body.errors?.length) {
            try {
              await transaction.commit();
              return;
            } catch (error) {
              const translated = toGraphQLError(error);
              const message = translated instanceof GraphQLError ? translated.message : 'the transaction could not be committed.';
              body.data = null;
              body.errors = [{ message: `Nothing was stored: ${message}`, extensions: { code: ROLLED_BACK } }];
              return;
            }
          }
          await transaction.rollback();
          if (body) {
            body.data = null;
            body.errors = [...(body.errors ?? []), { message: 'Nothing was stored: a field of this @atomic operation failed, and all its fields were rolled back.', extensions: { code: ROLLED_BACK } }];
          }
        },
      };
    },
  };
}
