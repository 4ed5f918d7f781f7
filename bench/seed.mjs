// Seeds a PostgreSQL database of its own for the benchmarks (reusable by every
// bench target): N courses with two course terms each, one instructor per term,
// one graded student per term. Idempotent: an already seeded database is kept.
//
//   import { seedBenchDatabase } from './seed.mjs';
//   const url = await seedBenchDatabase({ courses: 4000 });
//
// Needs the compiled server (npm run build) for the migrations.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { root } from './paths.mjs';

export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export async function seedBenchDatabase({ adminUrl = DEFAULT_ADMIN_URL, database = 'bench', courses = 4000, log = console.log } = {}) {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`bad database name ${database}`);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount;
  if (!exists) await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();

  const { openDatabase } = await import(pathToFileURL(join(root, 'dist/src/db/database.js')).href);
  const { applyMigrations } = await import(pathToFileURL(join(root, 'dist/src/db/migrations.js')).href);
  const db = await openDatabase({ url: databaseUrl, poolSize: 2 });
  await applyMigrations(db.migrationAdapterFactory);
  await db.close();

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const have = Number((await client.query('SELECT count(*) AS n FROM course')).rows[0].n);
    if (have === courses) {
      log(`bench database ${database}: ${have} courses already there`);
      return databaseUrl;
    }
    log(`bench database ${database}: seeding ${courses} courses…`);
    const people = Math.max(10, Math.ceil(courses / 10));
    await client.query('BEGIN');
    await client.query('TRUNCATE course, course_term, person, instructor, student, grade, "_course_term_instructors" CASCADE');
    await client.query(
      `INSERT INTO course (id, last_mod_user_name, last_mod_date, school_bulletin_prefix_code, suffix_two, subject_area_code, course_number, course_identifier, course_name, course_description)
       SELECT gen_random_uuid(), 'bench', DATE '2026-01-01', 'XCEF', '00', 'BNCH', lpad(i::text, 5, '0'),
              'BN' || chr(65 + (i / 10000) % 26) || chr(65 + (i / 260000) % 26) || lpad((i % 10000)::text, 4, '0') || 'X',
              'Benchmark course ' || i, 'A course seeded for the benchmark, number ' || i || '.'
       FROM generate_series(1, $1::int) AS i`,
      [courses],
    );
    await client.query(
      `INSERT INTO course_term (id, last_mod_user_name, last_mod_date, term_identifier, audit_permitted_code, exam_credit_flag, course_id)
       SELECT gen_random_uuid(), 'bench', DATE '2026-01-01', '2018' || t || c.course_identifier, 0, t = 1, c.id
       FROM course c CROSS JOIN generate_series(1, 2) AS t`,
    );
    await client.query(
      `INSERT INTO person (id, last_mod_user_name, last_mod_date, name)
       SELECT gen_random_uuid(), 'bench', DATE '2026-01-01', 'Person ' || i FROM generate_series(1, $1::int) AS i`,
      [people * 2],
    );
    await client.query(
      `INSERT INTO instructor (id, last_mod_user_name, last_mod_date, person_id)
       SELECT gen_random_uuid(), 'bench', DATE '2026-01-01', id FROM person WHERE name ~ '^Person [0-9]+$' AND substring(name from 8)::int <= $1`,
      [people],
    );
    await client.query(
      `INSERT INTO student (id, last_mod_user_name, last_mod_date, person_id)
       SELECT gen_random_uuid(), 'bench', DATE '2026-01-01', id FROM person WHERE substring(name from 8)::int > $1`,
      [people],
    );
    await client.query(
      `INSERT INTO "_course_term_instructors" ("A", "B")
       SELECT t.id, i.id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM course_term) t
       JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM instructor) i ON i.n = t.n % $1`,
      [people],
    );
    await client.query(
      `INSERT INTO grade (id, last_mod_user_name, last_mod_date, student_id, course_term_id, credits, grade_letter, grade_value)
       SELECT gen_random_uuid(), 'bench', DATE '2026-01-01', s.id, t.id, 3, 'A', 4
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM course_term) t
       JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM student) s ON s.n = t.n % $1`,
      [people],
    );
    await client.query('COMMIT');
    await client.query('ANALYZE');
    log(`bench database ${database}: seeded`);
    return databaseUrl;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
