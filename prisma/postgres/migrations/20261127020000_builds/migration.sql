-- CreateTable
CREATE TABLE "Build" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "jobId" TEXT,
    "tags" TEXT NOT NULL DEFAULT '[]',
    "dockerfilePath" TEXT NOT NULL DEFAULT 'Dockerfile',
    "dockerfileText" TEXT NOT NULL DEFAULT '',
    "imageId" TEXT,
    "errorCode" TEXT,
    "errorMessage" TEXT,
    "eventCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Build_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BuildEvent" (
    "buildId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "json" TEXT NOT NULL,

    CONSTRAINT "BuildEvent_pkey" PRIMARY KEY ("buildId","index")
);

-- CreateIndex
CREATE INDEX "Build_userId_createdAt_idx" ON "Build"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "Build_status_idx" ON "Build"("status");

-- AddForeignKey
ALTER TABLE "Build" ADD CONSTRAINT "Build_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BuildEvent" ADD CONSTRAINT "BuildEvent_buildId_fkey" FOREIGN KEY ("buildId") REFERENCES "Build"("id") ON DELETE CASCADE ON UPDATE CASCADE;

