-- AlterTable
ALTER TABLE "Lab" DROP COLUMN "title",
ADD COLUMN     "title" JSONB NOT NULL,
DROP COLUMN "instructions",
ADD COLUMN     "instructions" JSONB NOT NULL;

