// A Postman collection (v2.1) of the JSON:API door, derived from the resource
// descriptions: one request per operation, with example bodies, and OAuth 2.0
// (authorization code + PKCE with the demo client) pre-filled at the top.
import type { AttributeDescription, ResourceDescription } from '../resources/description.js';
import { resourceList, resources } from '../resources/registry.js';
import { MEDIA_TYPE } from './negotiation.js';

export const POSTMAN_CALLBACK = 'https://oauth.pstmn.io/v1/callback';

interface PostmanRequest {
  name: string;
  request: {
    method: string;
    header: { key: string; value: string }[];
    url: { raw: string; host: string[]; path: string[]; query?: { key: string; value: string; disabled?: boolean }[]; variable?: { key: string; value: string }[] };
    body?: { mode: 'raw'; raw: string; options: { raw: { language: 'json' } } };
    description?: string;
  };
}

function example(a: AttributeDescription): unknown {
  const hinted = a.patternHint?.match(/e\.g\. (\S+)/)?.[1];
  if (hinted) return hinted;
  switch (a.type) {
    case 'string':
      return 'text'.padEnd(a.length ?? 4, 'x').slice(0, a.maxLength ?? 40);
    case 'integer':
      return 0;
    case 'float':
      return 3;
    case 'boolean':
      return true;
    case 'date':
      return '2018-09-01';
    case 'enum':
      return a.enumValues?.[0] ?? null;
  }
}

function resourceBody(d: ResourceDescription, withId: boolean): string {
  const attributes = Object.fromEntries(d.attributes.filter((a) => !a.readOnly).map((a) => [a.external, example(a)]));
  const relationships = Object.fromEntries(
    d.relationships
      .filter((r) => r.required || r.foreignKey)
      .map((r) => [r.external, { data: { type: resources[r.target].type, id: `{{${resources[r.target].type}_id}}` } }]),
  );
  const data = { type: d.type, ...(withId ? { id: `{{${d.type}_id}}` } : {}), attributes, ...(Object.keys(relationships).length ? { relationships } : {}) };
  return JSON.stringify({ data }, null, 2);
}

export interface PostmanOptions {
  publicUrl: string;
  oauthBase: string;
  clientId: string;
  /** Pre-filled only for the documented local default; otherwise left for the user. */
  clientSecret: string;
}

export function postmanCollection({ publicUrl, oauthBase, clientId, clientSecret }: PostmanOptions): Record<string, unknown> {
  const request = (name: string, method: string, path: string[], options: { body?: string; query?: [string, string][]; description?: string } = {}): PostmanRequest => {
    const variables = path.filter((p) => p.startsWith(':')).map((p) => ({ key: p.slice(1), value: `{{${path[1]}_id}}` }));
    const query = options.query?.map(([key, value]) => ({ key, value, disabled: true }));
    return {
      name,
      request: {
        method,
        header: [{ key: 'Accept', value: MEDIA_TYPE }, ...(options.body ? [{ key: 'Content-Type', value: MEDIA_TYPE }] : [])],
        url: { raw: `{{baseUrl}}/${path.join('/')}/`, host: ['{{baseUrl}}'], path: [...path, ''], ...(query?.length ? { query } : {}), ...(variables.length ? { variable: variables } : {}) },
        ...(options.body ? { body: { mode: 'raw' as const, raw: options.body, options: { raw: { language: 'json' as const } } } } : {}),
        ...(options.description ? { description: options.description } : {}),
      },
    };
  };
  const folders = resourceList.map((d) => {
    const items: PostmanRequest[] = [
      request(`List ${d.type}`, 'GET', ['v1', d.type], {
        query: [
          ['page[number]', '1'],
          ['page[size]', '10'],
          ['sort', d.attributes.find((a) => a.sortable && !a.readOnly && a.type === 'string')?.external ?? 'id'],
          ['include', d.relationships.map((r) => r.external).join(',')],
          [`filter[${d.filters[1]?.external ?? 'id'}]`, ''],
          ['filter[search]', ''],
          [`fields[${d.type}]`, d.attributes.slice(-2).map((a) => a.external).join(',')],
        ],
      }),
      request(`Create a ${d.label}`, 'POST', ['v1', d.type], { body: resourceBody(d, false) }),
      request(`Fetch a ${d.label}`, 'GET', ['v1', d.type, ':id'], { query: [['include', d.relationships.map((r) => r.external).join(',')]] }),
      request(`Update a ${d.label}`, 'PATCH', ['v1', d.type, ':id'], { body: resourceBody(d, true) }),
      request(`Delete a ${d.label}`, 'DELETE', ['v1', d.type, ':id']),
    ];
    for (const r of d.relationships) {
      const target = resources[r.target];
      const identifier = { type: target.type, id: `{{${target.type}_id}}` };
      const linkage = JSON.stringify({ data: r.toMany ? [identifier] : identifier }, null, 2);
      items.push(request(`Fetch the ${r.external} of a ${d.label}`, 'GET', ['v1', d.type, ':id', r.external]));
      items.push(request(`Fetch the ${r.external} linkage of a ${d.label}`, 'GET', ['v1', d.type, ':id', 'relationships', r.external]));
      items.push(request(`${r.toMany ? 'Replace' : 'Set'} the ${r.external} of a ${d.label}`, 'PATCH', ['v1', d.type, ':id', 'relationships', r.external], { body: linkage }));
      if (r.toMany) {
        items.push(request(`Add to the ${r.external} of a ${d.label}`, 'POST', ['v1', d.type, ':id', 'relationships', r.external], { body: linkage }));
        items.push(request(`Remove from the ${r.external} of a ${d.label}`, 'DELETE', ['v1', d.type, ':id', 'relationships', r.external], { body: linkage }));
      }
    }
    return { name: d.type, item: items };
  });
  const oauth2 = [
    ['grant_type', 'authorization_code_with_pkce'],
    ['challengeAlgorithm', 'S256'],
    ['authUrl', `${oauthBase}/auth`],
    ['accessTokenUrl', `${oauthBase}/token`],
    ['clientId', clientId],
    ['clientSecret', '{{clientSecret}}'],
    ['client_authentication', 'header'],
    ['redirect_uri', POSTMAN_CALLBACK],
    ['useBrowser', true],
    ['scope', 'openid read create update delete'],
    ['tokenName', 'course-catalogue'],
    ['addTokenTo', 'header'],
  ].map(([key, value]) => ({ key, value, type: typeof value === 'boolean' ? 'boolean' : 'string' }));
  return {
    info: {
      name: 'Course catalogue (JSON:API)',
      description: 'Every JSON:API operation of the course catalogue. Get a token under Authorization → Get New Access Token (authorization code + PKCE); set the *_id variables to ids from your responses.',
      schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
    },
    auth: { type: 'oauth2', oauth2 },
    variable: [
      { key: 'baseUrl', value: publicUrl },
      { key: 'clientSecret', value: clientSecret },
      ...resourceList.map((d) => ({ key: `${d.type}_id`, value: '' })),
    ],
    item: folders,
  };
}
