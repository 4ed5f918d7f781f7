// The one page every bench/run.mjs target answers (a page of courses ordered by
// course_identifier, with all their terms), the fields it selects, and the
// check that all targets answer the same data: each answer is brought to one
// canonical form (courses with the selected fields, their terms sorted by id,
// and the total count where the answer has one) and compared.

/** The fields of a course and of a term the GraphQL targets select (GraphQL names). */
export const COURSE_FIELDS = ['id', 'effectiveStartDate', 'effectiveEndDate', 'lastModUserName', 'lastModDate', 'schoolBulletinPrefixCode', 'suffixTwo', 'subjectAreaCode', 'courseNumber', 'courseIdentifier', 'courseName', 'courseDescription'];
export const TERM_FIELDS = ['id', 'effectiveStartDate', 'effectiveEndDate', 'lastModUserName', 'lastModDate', 'termIdentifier', 'auditPermittedCode', 'examCreditFlag'];

const courseSelection = COURSE_FIELDS.join(' ');
const termSelection = TERM_FIELDS.join(' ');
const countField = (count) => (count ? 'totalCount ' : '');

/** This server's GraphQL query for a page of `size` courses; `count` adds totalCount. */
export const ourQuery = (size, count) =>
  `{ courses(first: ${size}, sort: [{field: COURSE_IDENTIFIER}]) { ${countField(count)}nodes { ${courseSelection} courseTerms { nodes { ${termSelection} } } } } }`;

/** PostGraphile v4's query for the same page. */
export const peerQuery = (size, count) =>
  `{ allCourses(first: ${size}, orderBy: COURSE_IDENTIFIER_ASC) { ${countField(count)}nodes { ${courseSelection} courseTermsByCourseId { nodes { ${termSelection} } } } } }`;

/** The JSON:API page (its meta.pagination carries the count). */
export const jsonapiPath = (size) => `/v1/courses?include=course_terms&page[size]=${size}&sort=course_identifier`;

const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
const pick = (object, fields) => Object.fromEntries(fields.map((f) => [f, object[f] === undefined ? '(missing)' : object[f]]));
const byId = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** { courses: [{ …COURSE_FIELDS, terms: [{ …TERM_FIELDS }] }], count } from any target's answer. */
export function canonical(body) {
  if (body.errors) throw new Error(`errors in the answer: ${JSON.stringify(body.errors).slice(0, 500)}`);
  const connection = body.data?.courses ?? body.data?.allCourses;
  if (connection) {
    return {
      courses: connection.nodes.map((c) => ({ ...pick(c, COURSE_FIELDS), terms: (c.courseTerms ?? c.courseTermsByCourseId).nodes.map((t) => pick(t, TERM_FIELDS)).sort(byId) })),
      count: connection.totalCount,
    };
  }
  // JSON:API: attributes in snake_case, terms in `included`.
  const flat = (resource) => ({ id: resource.id, ...Object.fromEntries(Object.entries(resource.attributes).map(([k, v]) => [camel(k), v])) });
  const terms = new Map((body.included ?? []).filter((r) => r.type === 'course_terms').map((r) => [r.id, flat(r)]));
  return {
    courses: body.data.map((c) => ({
      ...pick(flat(c), COURSE_FIELDS),
      terms: (c.relationships?.course_terms?.data ?? []).map((x) => pick(terms.get(x.id) ?? { id: x.id }, TERM_FIELDS)).sort(byId),
    })),
    count: body.meta?.pagination?.count,
  };
}

/** Throws unless every answer holds the same courses and terms (and the same count, where there is one). */
export function compareAnswers(answers, log = console.log) {
  const forms = answers.map(({ name, body }) => ({ name, ...canonical(body) }));
  const [reference, ...others] = forms;
  const rows = (f) => `${f.courses.length} courses, ${f.courses.reduce((n, c) => n + c.terms.length, 0)} terms`;
  for (const f of others) {
    for (let i = 0; i < Math.max(f.courses.length, reference.courses.length); i++) {
      const a = JSON.stringify(reference.courses[i]);
      const b = JSON.stringify(f.courses[i]);
      if (a !== b) throw new Error(`${f.name} and ${reference.name} differ at course ${i}:\n  ${reference.name}: ${a}\n  ${f.name}: ${b}`);
    }
  }
  const counted = forms.filter((f) => f.count !== undefined);
  for (const f of counted) {
    if (f.count !== counted[0].count) throw new Error(`${f.name} counts ${f.count}, ${counted[0].name} ${counted[0].count}`);
  }
  log(`same data from ${forms.map((f) => f.name).join(', ')}: ${rows(reference)}${counted.length ? `; total count ${counted[0].count} from ${counted.map((f) => f.name).join(', ')}` : ''}`);
}
