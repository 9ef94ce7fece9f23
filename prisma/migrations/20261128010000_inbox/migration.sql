-- The worker's inbox: one row per command applied, written in the same transaction as its effect,
-- so a command delivered again (a lost ack, a redelivery, an Idempotency-Key retry) finds its row
-- and is answered with the recorded reply instead of being applied twice. A tenant table like any
-- other: tenant_id first in the key and index, from the setting, forced RLS, DML for the runtime.
CREATE TABLE "inbox" (
    "tenant_id" UUID NOT NULL DEFAULT (NULLIF(current_setting('app.current_tenant_id'::text, true), ''::text))::uuid,
    "message_id" UUID NOT NULL,
    "pattern" TEXT NOT NULL,
    -- sha256 of the pattern and payload: the same id with another request is refused (422).
    "request_hash" TEXT NOT NULL,
    -- NULL until the command's work is done, in the same transaction; set before COMMIT.
    "reply" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbox_pkey" PRIMARY KEY ("tenant_id", "message_id"),
    CONSTRAINT "inbox_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON DELETE CASCADE
);

-- The retention sweep deletes a tenant's rows older than the idempotency window.
CREATE INDEX "inbox_tenant_id_created_at_idx" ON "inbox" ("tenant_id", "created_at");

ALTER TABLE "inbox" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "inbox" FORCE ROW LEVEL SECURITY;

CREATE POLICY "tenant_isolation" ON "inbox" FOR ALL
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE, DELETE ON "inbox" TO "tenantry_runtime";
