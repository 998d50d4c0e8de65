-- AlterEnum
-- BEFORE keeps the values in the order schema.prisma declares them.
ALTER TYPE "CommandKind" ADD VALUE 'CREATE' BEFORE 'API';

-- AlterTable
ALTER TABLE "Cluster" ADD COLUMN     "clockAnchorAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "ClusterCommand" ADD COLUMN     "inputId" TEXT;

-- CreateTable
CREATE TABLE "ClusterPartition" (
    "partition" INTEGER NOT NULL,
    "fencingToken" BIGINT NOT NULL DEFAULT 0,
    "holder" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ClusterPartition_pkey" PRIMARY KEY ("partition")
);

-- CreateIndex
CREATE UNIQUE INDEX "ClusterCommand_clusterId_inputId_key" ON "ClusterCommand"("clusterId", "inputId");

