// All resources, by name and by JSON:API type.
import type { ResourceDescription, ResourceName } from './description.js';
import { courses } from './courses.js';
import { courseTerms } from './course-terms.js';
import { people } from './people.js';
import { instructors } from './instructors.js';
import { students } from './students.js';
import { grades } from './grades.js';

export const resources: Readonly<Record<ResourceName, ResourceDescription>> = {
  course: courses,
  courseTerm: courseTerms,
  person: people,
  instructor: instructors,
  student: students,
  grade: grades,
};

export const resourceList: readonly ResourceDescription[] = Object.values(resources);

export function resourceByType(type: string): ResourceDescription | undefined {
  return resourceList.find((r) => r.type === type);
}
