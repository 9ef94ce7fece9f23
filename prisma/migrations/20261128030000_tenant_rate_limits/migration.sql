-- Per-tenant request budgets at the gateway (libs/rate-limits). Both NULL: the gateway's
-- RATE_LIMIT_RPS and RATE_LIMIT_BURST. Set by the owner (npm run tenant:limits); the runtime role
-- reads its own tenant's row only (RLS on tenants), and the gateway learns it from a worker.
ALTER TABLE "tenants"
    ADD COLUMN "rate_limit_rps" DOUBLE PRECISION CHECK ("rate_limit_rps" > 0),
    ADD COLUMN "rate_limit_burst" INTEGER CHECK ("rate_limit_burst" BETWEEN 1 AND 10000),
    ADD CONSTRAINT "tenants_rate_limit_both" CHECK (("rate_limit_rps" IS NULL) = ("rate_limit_burst" IS NULL));
