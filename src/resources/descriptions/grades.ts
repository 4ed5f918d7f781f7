// Grades: one student's result in one course term (unique together). The
// letters are Prisma's enum GradeLetter.
import { commonAttributes, defineResource, idFilter, numberLookups } from '../description.js';

export default defineResource({
  model: 'Grade',
  type: 'grades',
  attributes: [
    ...commonAttributes,
    { field: 'credits', external: 'credits', min: 0, sortable: true },
    { field: 'gradeLetter', external: 'grade_letter', sortable: true },
    { field: 'gradeValue', external: 'grade_value', min: 0, sortable: true },
  ],
  relationships: [
    { field: 'student', external: 'student' },
    { field: 'courseTerm', external: 'course_term' },
  ],
  filters: [idFilter, { external: 'credits', path: 'credits', lookups: numberLookups }],
  searchPaths: ['student.person.name', 'courseTerm.termIdentifier'],
});
