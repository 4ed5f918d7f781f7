// The grade listing without row rules (see bench/grades/target.mjs).
import { startGrades } from '../grades/target.mjs';

export const start = (ctx) => startGrades(ctx, { rules: false, claims: { sub: 'p1' } });
