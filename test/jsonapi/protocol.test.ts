// Content negotiation, authentication and authorization, and the number of
// SQL queries a request runs.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { MEDIA_TYPE, onlyError, startJsonApi, type JsonApiTestContext } from './support.js';

let api: JsonApiTestContext;
beforeAll(async () => {
  api = await startJsonApi();
});
afterAll(() => api.stop());

const course = { data: { type: 'courses', attributes: {} } };

describe('content negotiation (JSON:API 1.1)', () => {
  test('Accept: */*, application/*, none, or the media type with a profile are served', async () => {
    for (const accept of ['*/*', 'application/*', '', MEDIA_TYPE, `${MEDIA_TYPE}; profile="https://example.com/p"`, 'text/html,application/xhtml+xml,*/*;q=0.8']) {
      const res = await api.call('GET', '/v1/courses?page[size]=1', { headers: { Accept: accept } });
      expect([accept, res.status]).toEqual([accept, 200]);
      expect(res.headers.get('content-type')).toBe(MEDIA_TYPE);
    }
  });

  test('an Accept that cannot be satisfied is 406 with the demo\'s error object', async () => {
    for (const accept of ['application/json', 'text/html', `${MEDIA_TYPE}; charset=utf-8`, `${MEDIA_TYPE}; ext="https://example.com/ext/unsupported"`, `${MEDIA_TYPE}; charset=x, */*`, `${MEDIA_TYPE};q=0`]) {
      const res = await api.call('GET', '/v1/courses', { headers: { Accept: accept } });
      expect([accept, res.status]).toEqual([accept, 406]);
      expect(res.headers.get('content-type')).toBe(MEDIA_TYPE);
      expect(onlyError(res.body)).toMatchObject({ status: '406', detail: 'Could not satisfy the request Accept header.', source: { pointer: '/data' } });
    }
  });

  test('a request body whose Content-Type has parameters other than ext/profile, or another type, is 415', async () => {
    for (const type of [`${MEDIA_TYPE}; charset=utf-8`, `${MEDIA_TYPE}; version=1`, `${MEDIA_TYPE}; ext="https://jsonapi.org/ext/atomic"`, 'application/json', 'text/plain']) {
      const res = await api.call('POST', '/v1/courses', { body: course, headers: { 'Content-Type': type } });
      expect([type, res.status]).toEqual([type, 415]);
      expect(onlyError(res.body)).toMatchObject({ status: '415', code: 'unsupported_media_type' });
    }
    const missing = await fetch(`${api.server.url}/v1/courses`, { method: 'POST', headers: { Authorization: `Bearer ${api.token}` } });
    expect(missing.status).toBe(415);
    const profile = await api.call('POST', '/v1/courses', { body: course, headers: { 'Content-Type': `${MEDIA_TYPE}; profile="https://example.com/p"` } });
    expect(profile.status).toBe(400); // accepted media type; the document is then validated
  });

  test('a body that is too large is 413, not 500', async () => {
    const res = await api.call('POST', '/v1/courses', { body: JSON.stringify({ data: { type: 'courses', attributes: { course_description: 'x'.repeat(2_000_000) } } }) });
    expect(res.status).toBe(413);
    expect(onlyError(res.body).status).toBe('413');
  });

  test('odd paths and percent-encoding are 4xx, never 500', async () => {
    for (const path of ['/v1/%E0%A4%A', '/v1/courses/%ZZ', '/v1/', '/v1', '/v1//courses', '/v1/courses/x/relationships/', `/v1/courses/${'a'.repeat(5000)}`]) {
      const res = await api.call('GET', path);
      expect([path, res.status >= 400 && res.status < 500]).toEqual([path, true]);
    }
  });
});

describe('authentication and scopes', () => {
  test('no token: 401 with a bare Bearer challenge, before any 404', async () => {
    for (const path of ['/v1/courses', '/v1/widgets', '/v1/courses/00000000-0000-4000-8000-000000000000']) {
      const res = await api.call('GET', path, { token: null });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="[^"]+"$/);
      expect(onlyError(res.body)).toMatchObject({ status: '401', code: 'unauthenticated' });
    }
  });

  test('a bad token: 401 invalid_token; a malformed header: 400', async () => {
    const res = await api.call('GET', '/v1/courses', { token: 'abc.def.ghi' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const expired = await api.call('GET', '/v1/courses', { token: await api.issuer.token('read', { expiresIn: '-1h' }) });
    expect(expired.status).toBe(401);
    const malformed = await api.call('GET', '/v1/courses', { headers: { Authorization: 'Basic abc' }, token: null });
    expect(malformed.status).toBe(400);
    expect(onlyError(malformed.body).code).toBe('invalid_request');
  });

  test('each method needs its scope, on resource and relationship endpoints alike; 403 before 404', async () => {
    const readOnly = await api.issuer.token('read');
    const ghost = '00000000-0000-4000-8000-000000000000';
    const cases: [string, string, string][] = [
      ['POST', '/v1/courses', 'create'],
      ['PATCH', `/v1/courses/${ghost}`, 'update'],
      ['DELETE', `/v1/courses/${ghost}`, 'delete'],
      ['PATCH', `/v1/course_terms/${ghost}/relationships/course`, 'update'],
      ['POST', `/v1/courses/${ghost}/relationships/course_terms`, 'create'],
      ['DELETE', `/v1/courses/${ghost}/relationships/course_terms`, 'delete'],
    ];
    for (const [method, path, scope] of cases) {
      const res = await api.call(method, path, { token: readOnly, body: { data: [] } });
      expect([method, path, res.status]).toEqual([method, path, 403]);
      expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
      expect(res.headers.get('www-authenticate')).toContain(scope);
      expect(onlyError(res.body)).toMatchObject({ status: '403', code: 'insufficient_scope' });
    }
    const writeOnly = await api.issuer.token('create');
    for (const path of ['/v1/courses', `/v1/courses/${ghost}/relationships/course_terms`, '/v1/widgets']) {
      const res = await api.call('GET', path, { token: writeOnly });
      expect([path, res.status]).toEqual([path, 403]);
    }
  });
});

describe('SQL queries per request', () => {
  async function countQueries(path: string): Promise<number> {
    let count = 0;
    const stop = api.server.db.onQuery(() => count++);
    try {
      const res = await api.call('GET', path);
      expect(res.status).toBe(200);
    } finally {
      stop();
    }
    return count;
  }

  test('do not grow with the page size or the number of included rows', async () => {
    // Make the catalogue bigger: more courses, terms and instructors.
    for (let i = 0; i < 30; i++) {
      const id = `QQ${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + Math.floor(i / 26))}${String(1000 + i)}X`;
      const c = await api.call('POST', '/v1/courses', {
        body: { data: { type: 'courses', attributes: { school_bulletin_prefix_code: 'Q', suffix_two: '00', subject_area_code: 'QQ', course_number: '1', course_identifier: id, course_name: `Q ${i}`, course_description: 'q' } } },
      });
      expect(c.status).toBe(201);
      for (const term of ['1', '2']) {
        const p = await api.call('POST', '/v1/people', { body: { data: { type: 'people', attributes: { name: `Teacher ${i}-${term}` } } } });
        const ins = await api.call('POST', '/v1/instructors', { body: { data: { type: 'instructors', relationships: { person: { data: { type: 'people', id: p.body.data.id } } } } } });
        const t = await api.call('POST', '/v1/course_terms', {
          body: {
            data: {
              type: 'course_terms',
              attributes: { term_identifier: `2018${term}${id}` },
              relationships: { course: { data: { type: 'courses', id: c.body.data.id } }, instructors: { data: [{ type: 'instructors', id: ins.body.data.id }] } },
            },
          },
        });
        expect(t.status).toBe(201);
      }
    }
    const path = (size: number) => `/v1/courses?include=course_terms.instructors.person&page[size]=${size}`;
    const small = await countQueries(path(1));
    const large = await countQueries(path(100));
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(16);
    const res = await api.call('GET', path(100));
    expect(res.body.data.length).toBe(40);
    expect(res.body.included.filter((r: { type: string }) => r.type === 'people').length).toBeGreaterThanOrEqual(60);
    const plain = await countQueries('/v1/courses?include=course_terms&page[size]=10');
    expect(plain).toBeLessThanOrEqual(7);
  });
});
