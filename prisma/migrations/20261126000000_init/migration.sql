-- CreateEnum
CREATE TYPE "tenant_status" AS ENUM ('active', 'suspended');

-- CreateEnum
CREATE TYPE "project_status" AS ENUM ('active', 'archived');

-- CreateTable
CREATE TABLE "tenants" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "status" "tenant_status" NOT NULL DEFAULT 'active',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "projects" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL DEFAULT (NULLIF(current_setting('app.current_tenant_id'::text, true), ''::text))::uuid,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "status" "project_status" NOT NULL DEFAULT 'active',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "projects_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "projects_tenant_id_name_key" ON "projects"("tenant_id", "name");

-- CreateIndex
CREATE INDEX "projects_tenant_id_created_at_id_idx" ON "projects"("tenant_id", "created_at" DESC, "id" DESC);

-- AddForeignKey
ALTER TABLE "projects" ADD CONSTRAINT "projects_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------------
-- Tenant isolation (hand-written; Prisma does not model any of what follows).
-- The tenant of a transaction is app.current_tenant_id, set with set_config(..., true). The
-- setting is cast, never the column, so the (tenant_id, ...) indexes stay usable. NULLIF because a
-- pooled connection that once ran set_config(..., true) reads '' afterwards, not NULL: no tenant
-- must match no row, not fail the cast.
-- ---------------------------------------------------------------------------------------------

-- FORCE so the table owner is filtered too; only superusers and BYPASSRLS roles escape.
ALTER TABLE "projects" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "projects" FORCE ROW LEVEL SECURITY;

-- WITH CHECK stops writing rows into another tenant, including moving a row by UPDATE.
CREATE POLICY "tenant_isolation" ON "projects" FOR ALL
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "tenants" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "tenants" FORCE ROW LEVEL SECURITY;

-- A tenant may read its own row (status checks) and nothing else; writes are the owner's job.
CREATE POLICY "tenant_self_read" ON "tenants" FOR SELECT
    USING ("id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

-- FORCE applies to the owner as well, so the migrating owner (maybe not a superuser) needs this to
-- create and manage tenants. CURRENT_USER is resolved once, here, to the owner's role.
CREATE POLICY "tenant_admin" ON "tenants" FOR ALL TO CURRENT_USER
    USING (true)
    WITH CHECK (true);

-- The apps log in as a role that only inherits these rights (the migrator grants this group to it).
-- Roles are cluster-global and test databases migrate in parallel: a concurrent creator surfaces
-- as duplicate_object, or as unique_violation while its transaction is still open.
DO $$
BEGIN
    CREATE ROLE "tenantry_runtime" NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;

-- Nothing more: no DDL, no TRUNCATE, no writes to tenants. USAGE on the enum types is granted to
-- PUBLIC by default, so they need no grant here.
GRANT USAGE ON SCHEMA public TO "tenantry_runtime";
GRANT SELECT, INSERT, UPDATE, DELETE ON "projects" TO "tenantry_runtime";
GRANT SELECT ON "tenants" TO "tenantry_runtime";
