-- Every tenant table's primary key leads with tenant_id, as a table distributed by tenant_id
-- (Citus) requires: projects was the one keyed by id alone. Its (tenant_id, id) key becomes the
-- primary key, and tasks' foreign key moves onto it. Cheap on this schema's tables as they are; on a
-- large table, build the index first (CREATE UNIQUE INDEX CONCURRENTLY, in a migration of its own
-- marked `-- tenantry:no-transaction`), then ADD CONSTRAINT ... PRIMARY KEY USING INDEX here.
ALTER TABLE "tasks" DROP CONSTRAINT "tasks_tenant_id_project_id_fkey";
ALTER TABLE "projects" DROP CONSTRAINT "projects_tenant_id_id_key";
ALTER TABLE "projects" DROP CONSTRAINT "projects_pkey";
ALTER TABLE "projects" ADD CONSTRAINT "projects_pkey" PRIMARY KEY ("tenant_id", "id");
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_tenant_id_project_id_fkey" FOREIGN KEY ("tenant_id", "project_id")
    REFERENCES "projects" ("tenant_id", "id") ON DELETE CASCADE;
