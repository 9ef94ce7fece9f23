-- Tasks of a project. Checklist of a tenant table: tenant_id first in the primary key, unique
-- constraints and indexes; tenant_id defaulting from the transaction's setting; foreign keys that
-- pair tenant_id with tenant_id; RLS enabled and forced with USING + WITH CHECK; DML granted to
-- tenantry_runtime only.

-- The target of the composite foreign key below. projects.id is unique on its own, so this adds no
-- rule, only the (tenant_id, id) key that tasks can reference. It locks projects while the index
-- builds: on a large table, build it first with CREATE UNIQUE INDEX CONCURRENTLY in a migration of
-- its own (`-- tenantry:no-transaction`), then ADD CONSTRAINT ... UNIQUE USING INDEX here.
ALTER TABLE "projects" ADD CONSTRAINT "projects_tenant_id_id_key" UNIQUE ("tenant_id", "id");

CREATE TABLE "tasks" (
    "tenant_id" UUID NOT NULL DEFAULT (NULLIF(current_setting('app.current_tenant_id'::text, true), ''::text))::uuid,
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "title" TEXT NOT NULL CHECK (char_length("title") BETWEEN 1 AND 500),
    "done" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tasks_pkey" PRIMARY KEY ("tenant_id", "id"),
    -- FK checks run without RLS: with project_id alone, tenant A could attach a task to tenant B's
    -- project by its id, and the error would reveal that the id exists. With tenant_id in the key
    -- (filled from A's setting) B's project is simply not there.
    CONSTRAINT "tasks_tenant_id_project_id_fkey" FOREIGN KEY ("tenant_id", "project_id")
        REFERENCES "projects" ("tenant_id", "id") ON DELETE CASCADE
);

-- A project's tasks, oldest first, by keyset on (created_at, id).
CREATE INDEX "tasks_tenant_id_project_id_created_at_id_idx" ON "tasks" ("tenant_id", "project_id", "created_at", "id");

ALTER TABLE "tasks" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "tasks" FORCE ROW LEVEL SECURITY;

CREATE POLICY "tenant_isolation" ON "tasks" FOR ALL
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE, DELETE ON "tasks" TO "tenantry_runtime";
