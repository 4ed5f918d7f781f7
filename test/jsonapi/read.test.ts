// Reading: collections, single resources, paging, filters, search, sort,
// include, sparse fieldsets, ETags — for courses and course terms.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { onlyError, startJsonApi, type JsonApiTestContext } from './support.js';

let api: JsonApiTestContext;
beforeAll(async () => {
  api = await startJsonApi();
});
afterAll(() => api.stop());

const names = (body: { data: { attributes: Record<string, unknown> }[] }, attribute: string) => body.data.map((r) => r.attributes[attribute]);

describe('collections and paging', () => {
  test('GET /v1/courses/ with the demo URL shape: default page size 10, pagination meta and links', async () => {
    const res = await api.call('GET', '/v1/courses/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.api+json');
    expect(res.body.jsonapi).toEqual({ version: '1.1' });
    expect(res.body.data).toHaveLength(10);
    expect(res.body.meta.pagination).toEqual({ page: 1, pages: 1, count: 10 });
    expect(res.body.links.prev).toBeNull();
    expect(res.body.links.next).toBeNull();
    const course = res.body.data[0];
    expect(course.type).toBe('courses');
    expect(Object.keys(course.attributes).sort()).toEqual(
      ['course_description', 'course_identifier', 'course_name', 'course_number', 'effective_end_date', 'effective_start_date', 'last_mod_date', 'last_mod_user_name', 'school_bulletin_prefix_code', 'subject_area_code', 'suffix_two'].sort(),
    );
    expect(course.links.self).toBe(`${api.server.url.replace('127.0.0.1', 'localhost')}/v1/courses/${course.id}`);
    expect(course.relationships.course_terms.links).toEqual({
      self: `${course.links.self}/relationships/course_terms`,
      related: `${course.links.self}/course_terms`,
    });
    expect(Array.isArray(course.relationships.course_terms.data)).toBe(true);
  });

  test('page[number] and page[size]: absolute links keep the other parameters', async () => {
    const res = await api.call('GET', '/v1/course_terms?page[size]=4&page[number]=2&sort=term_identifier');
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(4);
    expect(res.body.meta.pagination).toEqual({ page: 2, pages: 5, count: 19 });
    // Compared decoded: the links percent-encode `[` and `]` (RFC 3986).
    const { first, last, prev, next, self } = Object.fromEntries(Object.entries(res.body.links as Record<string, string>).map(([k, v]) => [k, decodeURIComponent(v)]));
    for (const link of [first, last, prev, next, self]) {
      expect(link).toMatch(/^http:\/\/localhost:\d+\/v1\/course_terms\?/);
      expect(link).toContain('sort=term_identifier');
      expect(link).toContain('page[size]=4');
    }
    expect(first).toContain('page[number]=1');
    expect(prev).toContain('page[number]=1');
    expect(next).toContain('page[number]=3');
    expect(last).toContain('page[number]=5');
    const all = await api.call('GET', '/v1/course_terms?page[size]=100&sort=term_identifier');
    expect(names(res.body, 'term_identifier')).toEqual(names(all.body, 'term_identifier').slice(4, 8));
  });

  test('page[size] above 100 is capped at 100; malformed page values are 400 naming the parameter', async () => {
    const capped = await api.call('GET', '/v1/course_terms?page[size]=1000');
    expect(capped.status).toBe(200);
    expect(capped.body.data).toHaveLength(19);
    for (const bad of ['page[size]=0', 'page[size]=abc', 'page[number]=0', 'page[number]=-1', 'page[number]=1.5', 'page[number]=99999999999999999999', 'page[offset]=3']) {
      const res = await api.call('GET', `/v1/courses?${bad}`);
      expect(res.status).toBe(400);
      expect(onlyError(res.body).source).toEqual({ parameter: bad.split('=')[0] });
    }
  });

  test('a page past the end is empty, with links back', async () => {
    const res = await api.call('GET', '/v1/courses?page[number]=5');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
    expect(decodeURIComponent(res.body.links.prev)).toContain('page[number]=1');
  });
});

describe('single resources', () => {
  test('GET one, and 404 for an unknown or malformed id', async () => {
    const list = await api.call('GET', '/v1/courses?page[size]=1');
    const id = list.body.data[0].id;
    const res = await api.call('GET', `/v1/courses/${id}/`);
    expect(res.status).toBe(200);
    expect(res.body.data.id).toBe(id);
    expect(res.body.links.self).toContain(`/v1/courses/${id}`);
    for (const missing of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const gone = await api.call('GET', `/v1/courses/${missing}`);
      expect(gone.status).toBe(404);
      expect(onlyError(gone.body)).toMatchObject({ status: '404', code: 'not_found', title: 'Not Found' });
    }
  });

  test('unknown collections and relationships are 404', async () => {
    expect((await api.call('GET', '/v1/widgets')).status).toBe(404);
    const id = (await api.call('GET', '/v1/courses?page[size]=1')).body.data[0].id;
    expect((await api.call('GET', `/v1/courses/${id}/widgets`)).status).toBe(404);
    expect((await api.call('GET', `/v1/courses/${id}/relationships/widgets`)).status).toBe(404);
    expect((await api.call('GET', `/v1/courses/${id}/a/b/c`)).status).toBe(404);
  });
});

describe('filters', () => {
  test('filter[FIELD] is exact; lookups icontains, iexact, contains, lt/gt/lte/gte, in, regex', async () => {
    const cases: [string, (v: string) => boolean][] = [
      ['filter[subject_area_code]=ANTB', (v) => v === 'ANTB'],
      ['filter[subject_area_code.exact]=ANTB', (v) => v === 'ANTB'],
      ['filter[subject_area_code.iexact]=antb', (v) => v === 'ANTB'],
      ['filter[subject_area_code.contains]=NT', (v) => v.includes('NT')],
      ['filter[subject_area_code.icontains]=nt', (v) => v.toLowerCase().includes('nt')],
      ['filter[subject_area_code.gt]=C', (v) => v > 'C'],
      ['filter[subject_area_code.gte]=ANTB', (v) => v >= 'ANTB'],
      ['filter[subject_area_code.lt]=C', (v) => v < 'C'],
      ['filter[subject_area_code.lte]=ANTB', (v) => v <= 'ANTB'],
      ['filter[subject_area_code.in]=ANTB,AUDT', (v) => v === 'ANTB' || v === 'AUDT'],
      ['filter[subject_area_code.regex]=^A.T', (v) => /^A.T/.test(v)],
    ];
    const all = names((await api.call('GET', '/v1/courses?page[size]=100')).body, 'subject_area_code') as string[];
    for (const [query, predicate] of cases) {
      const res = await api.call('GET', `/v1/courses?page[size]=100&${query}`);
      expect(res.status).toBe(200);
      const got = names(res.body, 'subject_area_code') as string[];
      expect(got.length).toBeGreaterThan(0);
      expect(got.sort()).toEqual(all.filter(predicate).sort());
    }
  });

  test('filters across relationships, ANDed', async () => {
    const res = await api.call('GET', '/v1/courses?filter[course_terms.term_identifier]=20181ANTH3160V');
    expect(names(res.body, 'course_identifier')).toEqual(['ANTH3160V']);
    const both = await api.call('GET', '/v1/courses?filter[course_terms.term_identifier.icontains]=anth&filter[subject_area_code]=NOPE');
    expect(both.body.data).toEqual([]);
    const course = res.body.data[0];
    const terms = await api.call('GET', `/v1/course_terms?filter[course.id]=${course.id}&sort=term_identifier`);
    expect(terms.body.data.map((t: { id: string }) => t.id).sort()).toEqual(course.relationships.course_terms.data.map((t: { id: string }) => t.id).sort());
    const typed = await api.call('GET', '/v1/course_terms?filter[audit_permitted_code.gte]=0&filter[exam_credit_flag]=false');
    expect(typed.status).toBe(200);
    expect(typed.body.data.every((t: { attributes: { exam_credit_flag: boolean } }) => t.attributes.exam_credit_flag === false)).toBe(true);
  });

  test('the demo aliases of instructors: name and course_name with _gt/_gte/_lt/_lte', async () => {
    const all = await api.call('GET', '/v1/instructors?include=person&page[size]=100');
    expect(all.body.data.length).toBeGreaterThan(1);
    const res = await api.call('GET', '/v1/instructors?filter[name_gte]=M&include=person');
    expect(res.status).toBe(200);
    const people = res.body.included.map((p: { attributes: { name: string } }) => p.attributes.name);
    expect(people.every((n: string) => n >= 'M')).toBe(true);
    expect((await api.call('GET', '/v1/instructors?filter[course_name.icontains]=body')).status).toBe(200);
    expect((await api.call('GET', '/v1/instructors?filter[course_name_lt]=M')).status).toBe(200);
  });

  test('filter[search]: every word somewhere in the search fields, case-insensitively', async () => {
    const res = await api.call('GET', '/v1/courses?filter[search]=body%20SOCIETY');
    expect(names(res.body, 'course_name')).toEqual(['THE BODY AND SOCIETY']);
    expect((await api.call('GET', '/v1/courses?filter[search]=body+nothingmatches')).body.data).toEqual([]);
  });

  test('unknown filters, lookups, and bad values are 400 naming the parameter', async () => {
    const cases: [string, string][] = [
      ['filter[colour]=red', 'filter[colour]'],
      ['filter[course_name.like]=x', 'filter[course_name.like]'],
      ['filter[exam_credit_flag.icontains]=x', 'filter[exam_credit_flag.icontains]'],
      ['filter[id]=not-a-uuid', 'filter[id]'],
      ['filter[course_name.regex]=(', 'filter[course_name.regex]'],
      ['filter[course_name]=', 'filter[course_name]'],
      ['filter=x', 'filter'],
    ];
    for (const [query, parameter] of cases) {
      const res = await api.call('GET', `/v1/courses?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].source).toEqual({ parameter });
    }
    const terms = await api.call('GET', '/v1/course_terms?filter[audit_permitted_code]=abc');
    expect(terms.status).toBe(400);
    expect(onlyError(terms.body).source).toEqual({ parameter: 'filter[audit_permitted_code]' });
  });
});

describe('sort, include, sparse fieldsets', () => {
  test('sort=a,-b', async () => {
    const res = await api.call('GET', '/v1/courses?sort=-course_identifier&page[size]=100');
    const ids = names(res.body, 'course_identifier') as string[];
    expect(ids).toEqual([...ids].sort().reverse());
    const two = await api.call('GET', '/v1/course_terms?sort=exam_credit_flag,-term_identifier&page[size]=100');
    expect(two.status).toBe(200);
    for (const bad of ['colour', '-', 'course_terms', '']) {
      const res2 = await api.call('GET', `/v1/courses?sort=${bad}`);
      expect(res2.status).toBe(400);
      expect(onlyError(res2.body).source).toEqual({ parameter: 'sort' });
    }
  });

  test('include to any depth: a compound document with full linkage and no duplicates', async () => {
    const res = await api.call('GET', '/v1/courses?include=course_terms.instructors.person,course_terms.course&page[size]=100');
    expect(res.status).toBe(200);
    const keys = res.body.included.map((r: { type: string; id: string }) => `${r.type}:${r.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    // Primary data is never repeated in included (course_terms.course leads back to it).
    expect(keys.some((k: string) => k.startsWith('courses:'))).toBe(false);
    const present = new Set([...keys, ...res.body.data.map((r: { id: string }) => `courses:${r.id}`)]);
    // Full linkage: every included resource is reached from a relationship in the document.
    const linked = new Set<string>();
    for (const r of [...res.body.data, ...res.body.included]) {
      for (const rel of Object.values<{ data: unknown }>(r.relationships ?? {})) {
        for (const ident of ([] as { type: string; id: string }[]).concat((rel.data as never) ?? [])) linked.add(`${ident.type}:${ident.id}`);
      }
    }
    for (const key of keys) expect(linked.has(key)).toBe(true);
    expect(keys.filter((k: string) => k.startsWith('people:')).length).toBeGreaterThan(0);
    expect(keys.filter((k: string) => k.startsWith('instructors:')).length).toBeGreaterThan(0);
    // Each relationship of the included course terms is linked to resources of the right type.
    const term = res.body.included.find((r: { type: string }) => r.type === 'course_terms');
    expect(present.has(`courses:${term.relationships.course.data.id}`)).toBe(true);
    expect(Array.isArray(term.relationships.grades.data)).toBe(true);
  });

  test('include on a single resource and on related endpoints', async () => {
    const term = (await api.call('GET', '/v1/course_terms?filter[term_identifier]=20181ANTH3160V&include=course')).body;
    expect(term.included).toHaveLength(1);
    expect(term.included[0].type).toBe('courses');
    const one = await api.call('GET', `/v1/course_terms/${term.data[0].id}?include=course,instructors.person`);
    expect(one.status).toBe(200);
    expect(one.body.included.map((r: { type: string }) => r.type)).toContain('courses');
  });

  test('unknown include paths are 400 naming include', async () => {
    for (const bad of ['colour', 'course_terms.colour', 'course_terms..course', 'course_terms.course.course_terms.course.course_terms.course.course_terms.course.course_terms.course.course_terms']) {
      const res = await api.call('GET', `/v1/courses?include=${bad}`);
      expect(res.status).toBe(400);
      expect(onlyError(res.body).source).toEqual({ parameter: 'include' });
    }
  });

  test('fields[TYPE]: only the named attributes and relationships', async () => {
    const res = await api.call('GET', '/v1/courses?fields[courses]=course_name&include=course_terms&fields[course_terms]=term_identifier,course');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.data[0].attributes)).toEqual(['course_name']);
    expect(res.body.data[0].relationships).toBeUndefined();
    const term = res.body.included[0];
    expect(Object.keys(term.attributes)).toEqual(['term_identifier']);
    expect(Object.keys(term.relationships)).toEqual(['course']);
    for (const [query, parameter] of [
      ['fields[widgets]=a', 'fields[widgets]'],
      ['fields[courses]=colour', 'fields[courses]'],
    ]) {
      const bad = await api.call('GET', `/v1/courses?${query}`);
      expect(bad.status).toBe(400);
      expect(onlyError(bad.body).source).toEqual({ parameter });
    }
  });

  test('unknown or repeated query parameters are 400 naming them', async () => {
    for (const [query, parameter] of [
      ['colour=red', 'colour'],
      ['sort=course_name&sort=course_number', 'sort'],
      ['include[x]=y', 'include[x]'],
      ['Page[size]=1', 'Page[size]'],
    ]) {
      const res = await api.call('GET', `/v1/courses?${query}`);
      expect(res.status).toBe(400);
      expect(onlyError(res.body).source).toEqual({ parameter });
    }
    const id = (await api.call('GET', '/v1/courses?page[size]=1')).body.data[0].id;
    const single = await api.call('GET', `/v1/courses/${id}?page[size]=3`);
    expect(single.status).toBe(400);
    expect(onlyError(single.body).source).toEqual({ parameter: 'page[size]' });
  });
});

describe('related and relationship endpoints (read)', () => {
  test('related to-many is a paged collection with the same parameters; to-one is one resource', async () => {
    const course = (await api.call('GET', '/v1/courses?filter[course_identifier]=ANTH3160V')).body.data[0];
    const related = await api.call('GET', `/v1/courses/${course.id}/course_terms/?sort=-term_identifier&page[size]=1&include=course`);
    expect(related.status).toBe(200);
    expect(related.body.meta.pagination.count).toBe(course.relationships.course_terms.data.length);
    expect(related.body.data).toHaveLength(1);
    expect(related.body.included[0].id).toBe(course.id);
    const termId = related.body.data[0].id;
    const toOne = await api.call('GET', `/v1/course_terms/${termId}/course`);
    expect(toOne.status).toBe(200);
    expect(toOne.body.data).toMatchObject({ type: 'courses', id: course.id });
    const linkage = await api.call('GET', `/v1/courses/${course.id}/relationships/course_terms/`);
    expect(linkage.status).toBe(200);
    expect(linkage.body.data).toEqual(course.relationships.course_terms.data);
    expect(linkage.body.links).toEqual(course.relationships.course_terms.links);
    const filtered = await api.call('GET', `/v1/courses/${course.id}/course_terms?filter[colour]=x`);
    expect(filtered.status).toBe(400);
    expect((await api.call('GET', `/v1/courses/00000000-0000-4000-8000-000000000000/course_terms`)).status).toBe(404);
  });
});

describe('ETag', () => {
  test('GET carries a strong ETag; If-None-Match answers 304, and a change gives a new tag', async () => {
    const res = await api.call('GET', '/v1/courses?page[size]=2');
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^"[^"]+"$/);
    const again = await api.call('GET', '/v1/courses?page[size]=2', { headers: { 'If-None-Match': etag! } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    expect((await api.call('GET', '/v1/courses?page[size]=2', { headers: { 'If-None-Match': `"other", W/${etag}` } })).status).toBe(304);
    expect((await api.call('GET', '/v1/courses?page[size]=3', { headers: { 'If-None-Match': etag! } })).status).toBe(200);
    const head = await fetch(`${api.server.url}/v1/courses?page[size]=2`, { method: 'HEAD', headers: { Authorization: `Bearer ${api.token}` } });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(etag);
  });
});
