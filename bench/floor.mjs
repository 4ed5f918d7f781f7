// The floor: a bare node:http + pg server that answers
// GET /v1/courses?include=course_terms&page[number]=N&page[size]=M[&sort=course_identifier] with the same
// JSON:API document as the real server, from two hand-written queries, with no
// framework and no auth. What the real server costs is measured against it.
//
//   import { startFloor } from './floor.mjs';      // in-process
//   node bench/floor.mjs --serve PORT DATABASE_URL PUBLIC_URL   // as a child process
import { createServer } from 'node:http';
import pg from 'pg';

const courseAttributes = [
  ['effective_start_date', true], ['effective_end_date', true], ['last_mod_user_name', false], ['last_mod_date', true],
  ['school_bulletin_prefix_code', false], ['suffix_two', false], ['subject_area_code', false], ['course_number', false],
  ['course_identifier', false], ['course_name', false], ['course_description', false],
];
const termAttributes = [
  ['effective_start_date', true], ['effective_end_date', true], ['last_mod_user_name', false], ['last_mod_date', true],
  ['term_identifier', false], ['audit_permitted_code', false], ['exam_credit_flag', false],
];

const date = (d) => (d ? d.toISOString().slice(0, 10) : null);
function attributes(row, plan) {
  const out = {};
  for (const [name, isDate] of plan) out[name] = isDate ? date(row[name]) : row[name];
  return out;
}

// By id, or by course_identifier (sort=course_identifier), as the server sorts.
const COURSES_SQL = {
  id: `SELECT *, count(*) OVER () AS total FROM course ORDER BY id LIMIT $1 OFFSET $2`,
  course_identifier: `SELECT *, count(*) OVER () AS total FROM course ORDER BY course_identifier, id LIMIT $1 OFFSET $2`,
};
const TERMS_SQL = `SELECT t.*,
    ARRAY(SELECT "B" FROM "_course_term_instructors" WHERE "A" = t.id ORDER BY "B") AS instructor_ids,
    ARRAY(SELECT g.id FROM grade g WHERE g.course_term_id = t.id ORDER BY g.id) AS grade_ids
  FROM course_term t WHERE t.course_id = ANY($1::uuid[]) ORDER BY t.id`;

export function floorHandler(pool, publicUrl) {
  const base = `${publicUrl}/v1`;
  const rel = (type, id, name, data) => ({ links: { self: `${base}/${type}/${id}/relationships/${name}`, related: `${base}/${type}/${id}/${name}` }, data });
  return async (req, res) => {
    try {
      const url = new URL(req.url, 'http://floor');
      if (url.pathname.replace(/\/$/, '') !== '/v1/courses') {
        res.writeHead(404).end();
        return;
      }
      const size = Math.min(Number(url.searchParams.get('page[size]') ?? 10), 100);
      const number = Number(url.searchParams.get('page[number]') ?? 1);
      const sort = url.searchParams.get('sort') ?? 'id';
      if (!Object.hasOwn(COURSES_SQL, sort)) {
        res.writeHead(400).end(`the floor sorts by id or course_identifier, not ${sort}`);
        return;
      }
      const courses = (await pool.query({ name: `floor-courses-${sort}`, text: COURSES_SQL[sort], values: [size, (number - 1) * size] })).rows;
      const total = courses.length ? Number(courses[0].total) : 0;
      const terms = courses.length ? (await pool.query({ name: 'floor-terms', text: TERMS_SQL, values: [courses.map((c) => c.id)] })).rows : [];
      const termsByCourse = new Map(courses.map((c) => [c.id, []]));
      for (const t of terms) termsByCourse.get(t.course_id)?.push(t);
      const data = courses.map((c) => ({
        type: 'courses',
        id: c.id,
        attributes: attributes(c, courseAttributes),
        links: { self: `${base}/courses/${c.id}` },
        relationships: { course_terms: rel('courses', c.id, 'course_terms', termsByCourse.get(c.id).map((t) => ({ type: 'course_terms', id: t.id }))) },
      }));
      const included = courses.flatMap((c) =>
        termsByCourse.get(c.id).map((t) => ({
          type: 'course_terms',
          id: t.id,
          attributes: attributes(t, termAttributes),
          links: { self: `${base}/course_terms/${t.id}` },
          relationships: {
            course: rel('course_terms', t.id, 'course', t.course_id ? { type: 'courses', id: t.course_id } : null),
            instructors: rel('course_terms', t.id, 'instructors', t.instructor_ids.map((id) => ({ type: 'instructors', id }))),
            grades: rel('course_terms', t.id, 'grades', t.grade_ids.map((id) => ({ type: 'grades', id }))),
          },
        })),
      );
      const pages = Math.max(1, Math.ceil(total / size));
      const at = (n) => {
        const u = new URL(url);
        u.searchParams.set('page[number]', String(n));
        return `${publicUrl}${u.pathname}${u.search}`; // brackets percent-encoded, as the server's links are (RFC 3986)
      };
      const body = JSON.stringify({
        jsonapi: { version: '1.1' },
        data,
        included,
        links: { self: `${publicUrl}${url.pathname}${url.search.replace(/\[/g, '%5B').replace(/\]/g, '%5D')}`, first: at(1), last: at(pages), prev: number > 1 ? at(Math.min(number - 1, pages)) : null, next: number < pages ? at(number + 1) : null },
        meta: { pagination: { page: number, pages, count: total } },
      });
      res.writeHead(200, { 'Content-Type': 'application/vnd.api+json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  };
}

export async function startFloor({ databaseUrl, port = 0, publicUrl }) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  const server = createServer();
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = publicUrl ?? `http://127.0.0.1:${server.address().port}`;
  server.on('request', floorHandler(pool, url));
  return { url, close: async () => { server.closeAllConnections(); await new Promise((r) => server.close(r)); await pool.end(); } };
}

if (process.argv[2] === '--serve') {
  const [, , , port, databaseUrl, publicUrl] = process.argv;
  const floor = await startFloor({ databaseUrl, port: Number(port), publicUrl });
  process.send?.({ ready: floor.url });
  process.on('SIGTERM', () => floor.close().then(() => process.exit(0)));
}
