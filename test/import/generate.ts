// Generated catalogues of the real one's size and shape (4,472 courses, one
// term each: 8,944 rows; 3 % of the courses and 3 % of the terms with an
// invalid identifier), and large CSV files of courses, written as streams.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { once } from 'node:events';

const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A UUID that is the same on every run (tests compare against it). */
export function fixedUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The i-th course identifier: four capitals, four digits and a capital (ANTH3160V). */
export function courseIdentifier(i: number): string {
  const n = Math.floor(i / 10_000);
  return `${letters[n % 26]}${letters[Math.floor(n / 26) % 26]}${letters[Math.floor(n / 676) % 26]}${letters[Math.floor(n / 17_576) % 26]}${String(i % 10_000).padStart(4, '0')}${letters[i % 26]}`;
}

/** Every 33rd row (3 %) gets an identifier the rules refuse. */
export const isInvalid = (i: number, offset: number): boolean => i % 33 === offset;

export interface GeneratedCatalogue {
  courses: number;
  courseTerms: number;
  /** Rows refused: invalid course identifiers, their terms (course not found), invalid term identifiers. */
  refused: { courses: number; courseTerms: number };
}

/** The 8,944-row catalogue (JSON, the demo's format) at `path`. */
export async function writeCatalogue(path: string, count = 4_472): Promise<GeneratedCatalogue> {
  const courses = [];
  const terms = [];
  let refusedCourses = 0;
  let refusedTerms = 0;
  for (let i = 0; i < count; i++) {
    const id = fixedUuid(`course ${i}`);
    const identifier = courseIdentifier(i);
    const badCourse = isInvalid(i, 5);
    const badTerm = isInvalid(i, 17);
    if (badCourse) refusedCourses++;
    if (badCourse || badTerm) refusedTerms++;
    courses.push({
      id,
      effective_start_date: null,
      effective_end_date: null,
      last_mod_user_name: 'admin',
      last_mod_date: '2018-10-07',
      school_bulletin_prefix_code: 'XCEFK9',
      suffix_two: '00',
      subject_area_code: identifier.slice(0, 4),
      course_number: String(i).padStart(5, '0'),
      course_identifier: badCourse ? identifier.toLowerCase() : identifier,
      course_name: `COURSE NUMBER ${i}`,
      course_description: `A generated course, number ${i}, of the size of a real one's description.`,
    });
    terms.push({
      id: fixedUuid(`term ${i}`),
      effective_start_date: null,
      effective_end_date: null,
      last_mod_user_name: 'admin',
      last_mod_date: '2018-10-07',
      term_identifier: badTerm ? `2018${identifier}` : `20181${identifier}`,
      audit_permitted_code: 0,
      exam_credit_flag: i % 2 === 0,
      course: id,
    });
  }
  await writeFile(path, JSON.stringify({ courses, course_terms: terms }, null, 1));
  return { courses: count, courseTerms: count, refused: { courses: refusedCourses, courseTerms: refusedTerms } };
}

export const courseCsvHeader = 'course_identifier,course_name,course_description,school_bulletin_prefix_code,suffix_two,subject_area_code,course_number,effective_start_date';

/** `rows` courses as CSV (3 % with an invalid identifier), streamed to `path`; returns how many are invalid. */
export async function writeCoursesCsv(path: string, rows: number): Promise<number> {
  const out = createWriteStream(path);
  out.write(`${courseCsvHeader}\n`);
  let invalid = 0;
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const identifier = courseIdentifier(i);
    const bad = isInvalid(i, 5);
    if (bad) invalid++;
    chunk += `${bad ? identifier.toLowerCase() : identifier},"COURSE ${i}, GENERATED","A generated course, number ${i}.",XCEFK9,00,${identifier.slice(0, 4)},${String(i % 100_000).padStart(5, '0')},${i % 2 ? '' : '2024-09-01'}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return invalid;
}
