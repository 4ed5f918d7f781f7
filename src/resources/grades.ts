// Grades: one student's result in one course term (unique together).
import { commonAttributes, idFilter, numberLookups, type ResourceDescription } from './description.js';

export const gradeLetters = ['A', 'B', 'C', 'D', 'F', 'P'] as const;

export const grades: ResourceDescription = {
  name: 'grade',
  type: 'grades',
  model: 'grade',
  table: 'grade',
  graphqlName: 'Grade',
  label: 'grade',
  attributes: [
    ...commonAttributes,
    { field: 'credits', external: 'credits', type: 'float', required: true, min: 0, sortable: true },
    { field: 'gradeLetter', external: 'grade_letter', type: 'enum', enumValues: gradeLetters, nullable: true, sortable: true },
    { field: 'gradeValue', external: 'grade_value', type: 'float', min: 0, sortable: true },
  ],
  relationships: [
    { field: 'student', external: 'student', target: 'student', toMany: false, inverse: 'grades', foreignKey: 'studentId', required: true },
    { field: 'courseTerm', external: 'course_term', target: 'courseTerm', toMany: false, inverse: 'grades', foreignKey: 'courseTermId', required: true },
  ],
  filters: [idFilter, { external: 'credits', path: 'credits', lookups: numberLookups }],
  searchPaths: ['student.person.name', 'courseTerm.termIdentifier'],
  uniqueTogether: [['student', 'courseTerm']],
};
