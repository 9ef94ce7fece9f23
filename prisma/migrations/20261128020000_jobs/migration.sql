-- Background jobs (libs/jobs): one row per job, its progress and its result. A tenant table like
-- any other: tenant_id first in the key and indexes, from the setting, forced RLS, DML for the
-- runtime. Progress is updated in the same transaction as each batch of work, so it never runs
-- ahead of what is committed.
CREATE TYPE "job_status" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled');

CREATE TABLE "jobs" (
    "tenant_id" UUID NOT NULL DEFAULT (NULLIF(current_setting('app.current_tenant_id'::text, true), ''::text))::uuid,
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL CHECK (char_length("type") BETWEEN 1 AND 100),
    "status" "job_status" NOT NULL DEFAULT 'queued',
    "progress_done" INTEGER NOT NULL DEFAULT 0 CHECK ("progress_done" >= 0),
    "progress_total" INTEGER NOT NULL CHECK ("progress_total" >= 0),
    "batches_done" INTEGER NOT NULL DEFAULT 0,
    "batches_total" INTEGER NOT NULL,
    "result" JSONB,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "jobs_pkey" PRIMARY KEY ("tenant_id", "id"),
    CONSTRAINT "jobs_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON DELETE CASCADE
);

-- GET /jobs, newest first, by keyset on (created_at, id), with or without a status.
CREATE INDEX "jobs_tenant_id_created_at_id_idx" ON "jobs" ("tenant_id", "created_at" DESC, "id" DESC);
CREATE INDEX "jobs_tenant_id_status_created_at_id_idx" ON "jobs" ("tenant_id", "status", "created_at" DESC, "id" DESC);

ALTER TABLE "jobs" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "jobs" FORCE ROW LEVEL SECURITY;

CREATE POLICY "tenant_isolation" ON "jobs" FOR ALL
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE, DELETE ON "jobs" TO "tenantry_runtime";
