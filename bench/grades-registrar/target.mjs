// The grade listing under the row rules as the registrar group, whose rule is true (see bench/grades/target.mjs).
import { startGrades } from '../grades/target.mjs';

export const start = (ctx) => startGrades(ctx, { rules: true, claims: { sub: 'rita', groups: ['registrar'] } });
