CREATE TABLE "media" (
	"id" uuid PRIMARY KEY NOT NULL,
	"owner_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"size" bigint NOT NULL,
	"original_key" text NOT NULL,
	"width" integer,
	"height" integer,
	"thumbhash" text,
	"variants" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text,
	"attached_at" timestamp with time zone,
	"processing_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "media_refs" (
	"media_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"target_id" uuid NOT NULL,
	"room_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "media_refs_media_id_kind_target_id_pk" PRIMARY KEY("media_id","kind","target_id")
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "avatar_url" text;--> statement-breakpoint
ALTER TABLE "communities" ADD COLUMN "icon_url" text;--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_refs" ADD CONSTRAINT "media_refs_media_id_media_id_fk" FOREIGN KEY ("media_id") REFERENCES "public"."media"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "media_owner_idx" ON "media" USING btree ("owner_id","status");--> statement-breakpoint
CREATE INDEX "media_orphan_idx" ON "media" USING btree ("created_at") WHERE "media"."attached_at" is null;--> statement-breakpoint
CREATE INDEX "media_processing_idx" ON "media" USING btree ("processing_at") WHERE "media"."status" = 'processing';--> statement-breakpoint
CREATE INDEX "media_refs_target_idx" ON "media_refs" USING btree ("kind","target_id");