-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "grade_letter" AS ENUM ('A', 'B', 'C', 'D', 'F', 'P');

-- CreateTable
CREATE TABLE "course" (
    "id" UUID NOT NULL,
    "effective_start_date" DATE,
    "effective_end_date" DATE,
    "last_mod_user_name" VARCHAR(80),
    "last_mod_date" DATE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "school_bulletin_prefix_code" VARCHAR(10) NOT NULL,
    "suffix_two" VARCHAR(2) NOT NULL,
    "subject_area_code" VARCHAR(10) NOT NULL,
    "course_number" VARCHAR(10) NOT NULL,
    "course_identifier" VARCHAR(9) NOT NULL,
    "course_name" VARCHAR(80) NOT NULL,
    "course_description" TEXT NOT NULL,

    CONSTRAINT "course_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "course_term" (
    "id" UUID NOT NULL,
    "effective_start_date" DATE,
    "effective_end_date" DATE,
    "last_mod_user_name" VARCHAR(80),
    "last_mod_date" DATE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "term_identifier" VARCHAR(14) NOT NULL,
    "audit_permitted_code" INTEGER NOT NULL DEFAULT 0,
    "exam_credit_flag" BOOLEAN NOT NULL DEFAULT true,
    "course_id" UUID,

    CONSTRAINT "course_term_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "person" (
    "id" UUID NOT NULL,
    "effective_start_date" DATE,
    "effective_end_date" DATE,
    "last_mod_user_name" VARCHAR(80),
    "last_mod_date" DATE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "name" VARCHAR(100) NOT NULL,

    CONSTRAINT "person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "instructor" (
    "id" UUID NOT NULL,
    "effective_start_date" DATE,
    "effective_end_date" DATE,
    "last_mod_user_name" VARCHAR(80),
    "last_mod_date" DATE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "person_id" UUID,

    CONSTRAINT "instructor_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "student" (
    "id" UUID NOT NULL,
    "effective_start_date" DATE,
    "effective_end_date" DATE,
    "last_mod_user_name" VARCHAR(80),
    "last_mod_date" DATE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "person_id" UUID,

    CONSTRAINT "student_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "grade" (
    "id" UUID NOT NULL,
    "effective_start_date" DATE,
    "effective_end_date" DATE,
    "last_mod_user_name" VARCHAR(80),
    "last_mod_date" DATE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "student_id" UUID NOT NULL,
    "course_term_id" UUID NOT NULL,
    "credits" DOUBLE PRECISION NOT NULL,
    "grade_letter" "grade_letter",
    "grade_value" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "grade_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "_course_term_instructors" (
    "A" UUID NOT NULL,
    "B" UUID NOT NULL,

    CONSTRAINT "_course_term_instructors_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateIndex
CREATE UNIQUE INDEX "course_course_identifier_key" ON "course"("course_identifier");

-- CreateIndex
CREATE UNIQUE INDEX "course_term_term_identifier_key" ON "course_term"("term_identifier");

-- CreateIndex
CREATE INDEX "course_term_course_id_idx" ON "course_term"("course_id");

-- CreateIndex
CREATE UNIQUE INDEX "person_name_key" ON "person"("name");

-- CreateIndex
CREATE UNIQUE INDEX "instructor_person_id_key" ON "instructor"("person_id");

-- CreateIndex
CREATE UNIQUE INDEX "student_person_id_key" ON "student"("person_id");

-- CreateIndex
CREATE INDEX "grade_course_term_id_idx" ON "grade"("course_term_id");

-- CreateIndex
CREATE UNIQUE INDEX "grade_student_id_course_term_id_key" ON "grade"("student_id", "course_term_id");

-- CreateIndex
CREATE INDEX "_course_term_instructors_B_index" ON "_course_term_instructors"("B");

-- AddForeignKey
ALTER TABLE "course_term" ADD CONSTRAINT "course_term_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "course"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "instructor" ADD CONSTRAINT "instructor_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "student" ADD CONSTRAINT "student_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "grade" ADD CONSTRAINT "grade_student_id_fkey" FOREIGN KEY ("student_id") REFERENCES "student"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "grade" ADD CONSTRAINT "grade_course_term_id_fkey" FOREIGN KEY ("course_term_id") REFERENCES "course_term"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_course_term_instructors" ADD CONSTRAINT "_course_term_instructors_A_fkey" FOREIGN KEY ("A") REFERENCES "course_term"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_course_term_instructors" ADD CONSTRAINT "_course_term_instructors_B_fkey" FOREIGN KEY ("B") REFERENCES "instructor"("id") ON DELETE CASCADE ON UPDATE CASCADE;
