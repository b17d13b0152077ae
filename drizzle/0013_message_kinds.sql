ALTER TABLE "messages" ADD COLUMN "kind" text DEFAULT 'text' NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "poll_id" uuid;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "survey_id" uuid;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_kind_check" CHECK (("messages"."kind" = 'text' and "messages"."poll_id" is null and "messages"."survey_id" is null)
        or ("messages"."kind" = 'poll' and "messages"."poll_id" is not null and "messages"."survey_id" is null)
        or ("messages"."kind" = 'survey' and "messages"."survey_id" is not null and "messages"."poll_id" is null));