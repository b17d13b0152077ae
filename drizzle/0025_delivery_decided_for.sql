-- The endpoint's creator a delivery was decided for: an attempt made once the endpoint has
-- another creator asks that one again (by who, not by when: a URL change committing between
-- the check and the insert, or two hosts' clocks, no longer let a private delivery through).
ALTER TABLE "webhook_deliveries" ADD COLUMN "decided_for" uuid;--> statement-breakpoint
-- Until 0024 an endpoint's creator never changed: every earlier delivery was decided for it.
UPDATE "webhook_deliveries" AS d SET "decided_for" = e."created_by" FROM "webhook_endpoints" AS e WHERE e."id" = d."endpoint_id";
