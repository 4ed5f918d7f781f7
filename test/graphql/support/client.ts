// Sends GraphQL operations to a running test server over real HTTP.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> & { code?: string } }[];
}

export interface GraphQLClient {
  <T, V>(document: TypedDocumentNode<T, V>, variables?: NoInfer<V>, token?: string): Promise<GraphQLResponse<T>>;
  (document: string | DocumentNode, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse>;
}

export function graphqlClient(baseUrl: string): GraphQLClient {
  return async (document: string | DocumentNode, variables?: Record<string, unknown>, token?: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const query = typeof document === 'string' ? document : print(document);
    const res = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const text = await res.text();
    let body: Omit<GraphQLResponse, 'status' | 'headers'>;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`not JSON (HTTP ${res.status}): ${text.slice(0, 300)}`);
    }
    return { status: res.status, headers: res.headers, ...body };
  };
}

/** The codes of a response's errors, for short assertions. */
export const codes = (response: GraphQLResponse<unknown>) => (response.errors ?? []).map((e) => e.extensions?.code);
