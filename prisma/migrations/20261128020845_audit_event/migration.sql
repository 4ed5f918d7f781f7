-- CreateTable
CREATE TABLE "audit_event" (
    "id" UUID NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "request_id" VARCHAR(200),
    "issuer" VARCHAR(500),
    "subject" VARCHAR(500),
    "client" VARCHAR(500),
    "resource" VARCHAR(50) NOT NULL,
    "resource_id" VARCHAR(100),
    "operation" VARCHAR(20) NOT NULL,
    "changed" TEXT[],
    "outcome" VARCHAR(20) NOT NULL,

    CONSTRAINT "audit_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_event_time_idx" ON "audit_event"("time");
