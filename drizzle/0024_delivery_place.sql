-- Where a delivery's event happened, so that the delivery log shows what the receiver answered
-- only to readers who can view that place. Rows made before this are `unknown` (hidden from all).
ALTER TABLE "webhook_deliveries" ADD COLUMN "place_kind" text NOT NULL DEFAULT 'unknown';--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ALTER COLUMN "place_kind" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "place_id" uuid;
