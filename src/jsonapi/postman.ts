// A Postman collection (v2.1) of the JSON:API door, derived from the resource
// descriptions and the endpoint table (./endpoints.ts): one request per table
// row and resource, that runs as served (Postman's Runner, or `newman run`
// from an empty variable set):
//   - order: a first folder creates one resource of each type, in the import
//     order (what a create links to exists before it); a folder per type then
//     reads, updates and edits relationships; a last folder deletes, in the
//     reverse order;
//   - ids are captured from the creates' answers into collection variables;
//     unique attributes get fresh values per run, so runs do not collide;
//   - every request has a test script asserting its status and the shape of
//     its document;
//   - a token: with the built-in server, the collection asks its token
//     endpoint for one (client credentials with the demo client) when it has
//     none, and still offers the interactive sign-in (authorization code +
//     PKCE) in Postman; without it, paste a token into `accessToken`.
import type { AttributeDescription, RelationshipDescription, ResourceDescription } from '../resources/description.js';
import { importOrder, resources } from '../resources/registry.js';
import { pathOf, rulesOf, type EndpointKind, type EndpointRule } from './endpoints.js';
import { ATOMIC_MEDIA_TYPE, MEDIA_TYPE } from './negotiation.js';
import type { SignInServer } from './sign-in.js';

export const POSTMAN_CALLBACK = 'https://oauth.pstmn.io/v1/callback';

interface Script {
  listen: 'prerequest' | 'test';
  script: { type: 'text/javascript'; exec: string[] };
}

interface PostmanRequest {
  name: string;
  event: Script[];
  request: {
    method: string;
    header: { key: string; value: string }[];
    url: { raw: string; host: string[]; path: string[]; query?: { key: string; value: string; disabled?: boolean }[]; variable?: { key: string; value: string }[] };
    body?: { mode: 'raw'; raw: string; options: { raw: { language: 'json' } } };
    description?: string;
  };
}

const script = (listen: Script['listen'], lines: string[]): Script => ({ listen, script: { type: 'text/javascript', exec: lines } });
const idVariable = (d: ResourceDescription) => `${d.type}_id`;
const uniqueVariable = (d: ResourceDescription, a: AttributeDescription) => `${d.type}_${a.external}`;

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

/** Unique string attributes get a fresh value per run (a pre-request script fills the variable). */
const uniqueStrings = (d: ResourceDescription) => d.attributes.filter((a) => a.unique && a.type === 'string' && !a.readOnly);

/** The to-one links a create sends: foreign keys to resources created before it. */
function createLinks(d: ResourceDescription): RelationshipDescription[] {
  const rank = (name: string) => importOrder.findIndex((r) => r.name === name);
  return d.relationships.filter((r) => r.foreignKey && (r.required || rank(r.target) < rank(d.name)));
}

function resourceBody(d: ResourceDescription, withId: boolean): string {
  const unique = new Set(uniqueStrings(d));
  const attributes = Object.fromEntries(
    d.attributes.filter((a) => !a.readOnly).map((a) => [a.external, unique.has(a) ? `{{${uniqueVariable(d, a)}}}` : example(a)]),
  );
  const relationships = Object.fromEntries(createLinks(d).map((r) => [r.external, { data: { type: resources[r.target].type, id: `{{${idVariable(resources[r.target])}}}` } }]));
  const data = { type: d.type, ...(withId ? { id: `{{${idVariable(d)}}}` } : {}), attributes, ...(Object.keys(relationships).length ? { relationships } : {}) };
  return JSON.stringify({ data }, null, 2);
}

/**
 * Fresh values for unique attributes: the example with its letters and digits
 * redrawn until it matches the attribute's pattern, or the example with a
 * random suffix within the length limit.
 */
function uniqueValuesScript(d: ResourceDescription): string[] {
  const specs = uniqueStrings(d).map((a) => ({ variable: uniqueVariable(d, a), example: String(example(a)), pattern: a.pattern?.source ?? null, maxLength: a.maxLength ?? null }));
  if (!specs.length) return [];
  return [
    '// Fresh values for unique attributes, so that this run does not collide with data already there.',
    `const specs = ${JSON.stringify(specs)};`,
    'const pick = (chars) => chars[Math.floor(Math.random() * chars.length)];',
    'for (const spec of specs) {',
    '  let value = spec.example;',
    '  if (spec.pattern) {',
    '    const pattern = new RegExp(spec.pattern);',
    '    for (let i = 0; i < 1000; i++) {',
    "      const candidate = spec.example.replace(/[0-9]/g, () => pick('0123456789')).replace(/[A-Z]/g, () => pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ'));",
    '      if (pattern.test(candidate)) { value = candidate; break; }',
    '    }',
    '  } else {',
    "    value = `${spec.example} ${Math.random().toString(36).slice(2, 10)}`.slice(0, spec.maxLength || undefined);",
    '  }',
    '  pm.collectionVariables.set(spec.variable, value);',
    '}',
  ];
}

/** What the test script of a request asserts: its status and its document's shape. */
function testScript(rule: EndpointRule, d: ResourceDescription, r: RelationshipDescription | undefined, refused: boolean): string[] {
  const target = r ? resources[r.target] : d;
  const status = refused ? 403 : rule.status;
  const lines = [`pm.test('status ${status}', () => pm.response.to.have.status(${status}));`];
  const media = `pm.expect(pm.response.headers.get('Content-Type')).to.eql('${MEDIA_TYPE}');`;
  const identifiers = (what: string) => [
    `  for (const item of [].concat(${what})) {`,
    `    pm.expect(item.type).to.eql('${target.type}');`,
    "    pm.expect(item.id).to.be.a('string');",
    '  }',
  ];
  if (refused) {
    return [
      ...lines,
      "pm.test('an error document naming the refusal', () => {",
      `  ${media}`,
      '  const doc = pm.response.json();',
      "  pm.expect(doc.errors).to.be.an('array').that.is.not.empty;",
      "  pm.expect(doc.errors[0].status).to.eql('403');",
      "  pm.expect(doc.errors[0].source.pointer).to.eql('/data');",
      '});',
    ];
  }
  const page = [
    "  pm.expect(doc.data).to.be.an('array');",
    ...identifiers('doc.data'),
    "  pm.expect(doc.links).to.include.all.keys('self', 'first', 'last', 'prev', 'next');",
    "  pm.expect(doc.meta.pagination.count).to.be.a('number');",
  ];
  const one = [
    "  pm.expect(doc.data).to.be.an('object');",
    ...identifiers('doc.data'),
    "  pm.expect(doc.data.links.self).to.be.a('string');",
  ];
  let shape: string[];
  let what: string;
  switch (rule.response) {
    case 'none':
      return [...lines, "pm.test('no document', () => pm.expect(pm.response.text()).to.eql(''));"];
    case 'page':
      [what, shape] = [`a page of ${target.type}`, page];
      break;
    case 'resource':
      [what, shape] = [`one ${target.label}`, one];
      if (rule.action === 'create') shape = [...shape, `  pm.collectionVariables.set('${idVariable(d)}', doc.data.id);`];
      break;
    case 'related':
      [what, shape] = r?.toMany ? [`a page of ${target.type}`, page] : [`one ${target.label} or null`, ['  if (doc.data !== null) {', ...one.map((l) => `  ${l}`), '  }']];
      break;
    case 'linkage':
      [what, shape] = [
        `the ${r?.external} linkage`,
        [
          r?.toMany ? "  pm.expect(doc.data).to.be.an('array');" : "  pm.expect(doc.data === null || typeof doc.data === 'object').to.be.true;",
          ...(r?.toMany ? identifiers('doc.data') : ['  if (doc.data !== null) {', ...identifiers('doc.data').map((l) => `  ${l}`), '  }']),
          "  pm.expect(doc.links).to.include.all.keys('self', 'related');",
        ],
      ];
      break;
  }
  return [...lines, `pm.test('a JSON:API document: ${what}', () => {`, `  ${media}`, '  const doc = pm.response.json();', ...shape, '});'];
}

export interface PostmanOptions {
  publicUrl: string;
  /** The built-in authorization server (passed in by the app), or null: a token is pasted into `accessToken`. */
  signIn: SignInServer | null;
}

export function postmanCollection({ publicUrl, signIn }: PostmanOptions): Record<string, unknown> {
  const request = (rule: EndpointRule, d: ResourceDescription, r?: RelationshipDescription): PostmanRequest => {
    const path = pathOf(rule.kind, d.type, r?.external, ':id').split('/').filter(Boolean);
    const target = r ? resources[r.target] : d;
    const identifier = { type: target.type, id: `{{${idVariable(target)}}}` };
    const body =
      rule.request === 'create'
        ? resourceBody(d, false)
        : rule.request === 'update'
          ? resourceBody(d, true)
          : rule.request === 'linkage'
            ? JSON.stringify({ data: r?.toMany ? [identifier] : identifier }, null, 2)
            : undefined;
    const include = target.relationships.map((x) => x.external).join(',');
    const query: [string, string, boolean][] =
      rule.response === 'page' || (rule.response === 'related' && r?.toMany)
        ? [
            ['page[number]', '1', true],
            ['page[size]', '10', true],
            ['sort', target.attributes.find((a) => a.sortable && !a.readOnly && a.type === 'string')?.external ?? 'id', true],
            ['include', include, true],
            [`filter[${target.filters[1]?.external ?? 'id'}]`, '', false],
            ['filter[search]', '', false],
            [`fields[${target.type}]`, target.attributes.slice(-2).map((a) => a.external).join(','), false],
          ]
        : rule.response === 'resource' || rule.response === 'related'
          ? [['include', include, true]]
          : [];
    // A removal the rules refuse (a member that needs its owner) is part of the tour: it answers 403.
    const refused = rule.action === 'remove' && !!r?.membersRequireOwner;
    return {
      name: rule.summary(d, r?.external, r?.toMany),
      event: [
        ...(rule.action === 'create' && uniqueStrings(d).length ? [script('prerequest', uniqueValuesScript(d))] : []),
        script('test', testScript(rule, d, r, refused)),
      ],
      request: {
        method: rule.method,
        header: [{ key: 'Accept', value: MEDIA_TYPE }, ...(body ? [{ key: 'Content-Type', value: MEDIA_TYPE }] : [])],
        url: {
          raw: `{{baseUrl}}/${path.join('/')}/${query.length ? `?${query.filter(([, , on]) => on).map(([k, v]) => `${k}=${v}`).join('&')}` : ''}`,
          host: ['{{baseUrl}}'],
          path: [...path, ''],
          ...(query.length ? { query: query.map(([key, value, on]) => ({ key, value, ...(on ? {} : { disabled: true }) })) } : {}),
          ...(path.includes(':id') ? { variable: [{ key: 'id', value: `{{${idVariable(d)}}}` }] } : {}),
        },
        ...(body ? { body: { mode: 'raw' as const, raw: body, options: { raw: { language: 'json' as const } } } } : {}),
        ...(refused ? { description: 'Refused by design: a member that needs its owner cannot be removed (403, JSON:API 1.1).' } : {}),
      },
    };
  };
  const rows = (d: ResourceDescription) => {
    const endpoints: [EndpointKind, RelationshipDescription | undefined][] = [
      ['collection', undefined],
      ['resource', undefined],
      ...d.relationships.flatMap((r) => [['related', r], ['relationship', r]] as [EndpointKind, RelationshipDescription][]),
    ];
    return endpoints.flatMap(([kind, r]) => rulesOf(kind, r?.toMany ?? true).map((rule) => ({ rule, r })));
  };
  const creates = importOrder.flatMap((d) => rows(d).filter(({ rule }) => rule.action === 'create').map(({ rule }) => request(rule, d)));
  const deletes = [...importOrder].reverse().flatMap((d) => rows(d).filter(({ rule }) => rule.action === 'delete').map(({ rule }) => request(rule, d)));
  const folders = importOrder.map((d) => ({
    name: d.type,
    item: rows(d)
      .filter(({ rule }) => rule.action !== 'create' && rule.action !== 'delete')
      .map(({ rule, r }) => request(rule, d, r)),
  }));
  return {
    info: {
      name: 'Course catalogue (JSON:API)',
      description: [
        'Every JSON:API operation of the course catalogue, in an order that runs as is (Runner or `newman run`): the first folder creates one resource of each type and keeps their ids in collection variables, a folder per type reads and changes them, the last folder deletes them. Each request tests its status and document.',
        signIn
          ? `A token: with \`clientSecret\` set, the collection asks ${signIn.tokenEndpoint} for one (client credentials, client \`${signIn.toolClientId}\`) when it has none; or sign in under Authorization → Get New Access Token (authorization code + PKCE).`
          : 'A token: paste an access token from your authorization server into the `accessToken` variable.',
      ].join('\n\n'),
      schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
    },
    auth: signIn ? { type: 'oauth2', oauth2: oauth2Settings(signIn) } : { type: 'bearer', bearer: [{ key: 'token', value: '{{accessToken}}', type: 'string' }] },
    ...(signIn ? { event: [script('prerequest', tokenScript())] } : {}),
    variable: [
      { key: 'baseUrl', value: publicUrl },
      ...(signIn
        ? [
            { key: 'tokenUrl', value: signIn.tokenEndpoint },
            { key: 'clientId', value: signIn.toolClientId },
            { key: 'clientSecret', value: signIn.toolClientSecret },
            { key: 'scope', value: signIn.apiScopes.join(' ') },
            { key: 'accessTokenExpires', value: '' },
          ]
        : []),
      { key: 'accessToken', value: '' },
      ...importOrder.map((d) => ({ key: idVariable(d), value: '' })),
      ...importOrder.flatMap((d) => uniqueStrings(d).map((a) => ({ key: uniqueVariable(d, a), value: '' }))),
      { key: 'atomic_course_identifier', value: '' },
      { key: 'atomic_course_id', value: '' },
    ],
    item: [
      { name: 'Create (first)', description: 'One resource of each type, each after what it links to; their ids go to the *_id variables.', item: creates },
      ...folders,
      atomicFolder(),
      { name: 'Delete (last)', description: 'The resources the first folder created, each before what it links to.', item: deletes },
    ],
  };
}

/**
 * JSON:API Atomic Operations (POST /v1/operations, ./operations.ts): a course
 * and two terms added in one request (the terms name the course by its lid),
 * then the course removed (its terms with it), so a run leaves the data as it was.
 */
function atomicFolder(): Record<string, unknown> {
  const headers = [
    { key: 'Accept', value: ATOMIC_MEDIA_TYPE },
    { key: 'Content-Type', value: ATOMIC_MEDIA_TYPE },
  ];
  const url = { raw: '{{baseUrl}}/v1/operations', host: ['{{baseUrl}}'], path: ['v1', 'operations'] };
  const body = (operations: unknown[]) => ({ mode: 'raw' as const, raw: JSON.stringify({ 'atomic:operations': operations }, null, 2), options: { raw: { language: 'json' as const } } });
  const term = (digit: string, lid: string) => ({
    op: 'add',
    data: { type: 'course_terms', lid, attributes: { term_identifier: `2026${digit}{{atomic_course_identifier}}` }, relationships: { course: { data: { type: 'courses', lid: 'course' } } } },
  });
  const add = {
    name: 'Add a course with two terms, all or nothing',
    event: [
      script('prerequest', [
        '// A fresh course identifier (four capital letters, four digits, a capital letter) for this run.',
        "const pick = (chars, n) => Array.from({ length: n }, () => chars[Math.floor(Math.random() * chars.length)]).join('');",
        "pm.collectionVariables.set('atomic_course_identifier', pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 4) + pick('0123456789', 4) + pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 1));",
      ]),
      script('test', [
        "pm.test('200: every operation stored', () => pm.response.to.have.status(200));",
        "pm.test('one result per operation, in order; the terms name the course', () => {",
        "  const results = pm.response.json()['atomic:results'];",
        "  pm.expect(results.map((r) => r.data.type)).to.eql(['courses', 'course_terms', 'course_terms']);",
        "  pm.expect(results.map((r) => r.data.meta.lid)).to.eql(['course', 'fall', 'spring']);",
        "  pm.expect(results[1].data.relationships.course.data.id).to.eql(results[0].data.id);",
        "  pm.collectionVariables.set('atomic_course_id', results[0].data.id);",
        '});',
      ]),
    ],
    request: {
      method: 'POST',
      header: headers,
      url,
      body: body([
        {
          op: 'add',
          data: {
            type: 'courses',
            lid: 'course',
            attributes: {
              course_identifier: '{{atomic_course_identifier}}',
              course_name: 'Added with its terms',
              course_number: '1234',
              subject_area_code: 'ATOM',
              school_bulletin_prefix_code: 'X',
              suffix_two: '00',
              course_description: 'A course and its terms in one atomic request.',
            },
          },
        },
        term('1', 'fall'),
        term('2', 'spring'),
      ]),
      description: 'JSON:API Atomic Operations (https://jsonapi.org/ext/atomic): every operation is stored, or none.',
    },
  };
  const remove = {
    name: 'Remove that course, all or nothing',
    event: [
      script('test', [
        "pm.test('204: stored, and no result has data', () => pm.response.to.have.status(204));",
        "pm.test('no document', () => pm.expect(pm.response.text()).to.eql(''));",
      ]),
    ],
    request: { method: 'POST', header: headers, url, body: body([{ op: 'remove', ref: { type: 'courses', id: '{{atomic_course_id}}' } }]) },
  };
  return { name: 'Atomic operations', description: 'Several writes in one request, in one transaction (POST /v1/operations).', item: [add, remove] };
}

/** Postman's interactive sign-in, pre-filled; the token in use is `{{accessToken}}` until one is fetched there. */
function oauth2Settings(signIn: SignInServer) {
  return [
    ['accessToken', '{{accessToken}}'],
    ['grant_type', 'authorization_code_with_pkce'],
    ['challengeAlgorithm', 'S256'],
    ['authUrl', signIn.authorizationEndpoint],
    ['accessTokenUrl', signIn.tokenEndpoint],
    ['clientId', '{{clientId}}'],
    ['clientSecret', '{{clientSecret}}'],
    ['client_authentication', 'header'],
    ['redirect_uri', POSTMAN_CALLBACK],
    ['useBrowser', true],
    ['scope', signIn.signInScopes.join(' ')],
    ['tokenName', 'course-catalogue'],
    ['addTokenTo', 'header'],
    ['headerPrefix', 'Bearer'],
  ].map(([key, value]) => ({ key, value, type: typeof value === 'boolean' ? 'boolean' : 'string' }));
}

/**
 * Runs before every request: without a live token, and with a client secret,
 * a client-credentials token from the built-in server (newman cannot sign in
 * interactively). RFC 6749 §4.4, client authentication by HTTP Basic (§2.3.1).
 */
function tokenScript(): string[] {
  return [
    "const expires = Number(pm.collectionVariables.get('accessTokenExpires') || 0);",
    "const secret = pm.variables.get('clientSecret');",
    "if (secret && (!pm.collectionVariables.get('accessToken') || Date.now() > expires - 30000)) {",
    '  pm.sendRequest({',
    "    url: pm.variables.get('tokenUrl'),",
    "    method: 'POST',",
    "    header: [{ key: 'Accept', value: 'application/json' }],",
    "    auth: { type: 'basic', basic: [{ key: 'username', value: pm.variables.get('clientId') }, { key: 'password', value: secret }] },",
    "    body: { mode: 'urlencoded', urlencoded: [{ key: 'grant_type', value: 'client_credentials' }, { key: 'scope', value: pm.variables.get('scope') }] },",
    '  }, (error, response) => {',
    "    if (error || response.code !== 200) { console.error('token request failed', error || response.text()); return; }",
    '    const token = response.json();',
    "    pm.collectionVariables.set('accessToken', token.access_token);",
    "    pm.collectionVariables.set('accessTokenExpires', String(Date.now() + token.expires_in * 1000));",
    '  });',
    '}',
  ];
}
