-- CreateTable
CREATE TABLE "oauth_payload" (
    "model" VARCHAR(40) NOT NULL,
    "id" VARCHAR(255) NOT NULL,
    "payload" JSONB NOT NULL,
    "grant_id" VARCHAR(255),
    "user_code" VARCHAR(255),
    "uid" VARCHAR(255),
    "address" VARCHAR(100),
    "expires_at" TIMESTAMPTZ(3),
    "consumed_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "oauth_payload_pkey" PRIMARY KEY ("model","id")
);

-- CreateTable
CREATE TABLE "oauth_key" (
    "kid" VARCHAR(100) NOT NULL,
    "use" VARCHAR(10) NOT NULL,
    "public_jwk" JSONB,
    "secret" TEXT NOT NULL,
    "encrypted" BOOLEAN NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activates_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "oauth_key_pkey" PRIMARY KEY ("kid")
);

-- CreateIndex
CREATE INDEX "oauth_payload_grant_id_idx" ON "oauth_payload"("grant_id");

-- CreateIndex
CREATE INDEX "oauth_payload_model_user_code_idx" ON "oauth_payload"("model", "user_code");

-- CreateIndex
CREATE INDEX "oauth_payload_model_uid_idx" ON "oauth_payload"("model", "uid");

-- CreateIndex
CREATE INDEX "oauth_payload_expires_at_idx" ON "oauth_payload"("expires_at");

-- CreateIndex
CREATE INDEX "oauth_payload_address_updated_at_idx" ON "oauth_payload"("address", "updated_at");

-- CreateIndex
CREATE INDEX "oauth_payload_model_updated_at_idx" ON "oauth_payload"("model", "updated_at");

-- CreateIndex
CREATE INDEX "oauth_key_use_activates_at_idx" ON "oauth_key"("use", "activates_at");
