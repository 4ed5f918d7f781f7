-- DropIndex
DROP INDEX "course_term_course_id_idx";

-- DropIndex
DROP INDEX "grade_course_term_id_idx";

-- CreateIndex
CREATE INDEX "course_term_course_id_id_idx" ON "course_term"("course_id", "id");

-- CreateIndex
CREATE INDEX "grade_course_term_id_id_idx" ON "grade"("course_term_id", "id");
