-- AlterTable
ALTER TABLE "person" ADD COLUMN     "username" VARCHAR(100);

-- CreateIndex
CREATE UNIQUE INDEX "person_username_key" ON "person"("username");
