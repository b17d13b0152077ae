CREATE TABLE "calendar_feeds" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"token" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "event_overrides" (
	"series_id" uuid NOT NULL,
	"original_start" timestamp with time zone NOT NULL,
	"start_local" text,
	"duration_minutes" integer,
	"title" text,
	"description" text,
	"location" text,
	"cancelled" boolean DEFAULT false NOT NULL,
	"start_at" timestamp with time zone NOT NULL,
	"end_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "event_overrides_series_id_original_start_pk" PRIMARY KEY("series_id","original_start")
);
--> statement-breakpoint
CREATE TABLE "event_reminders" (
	"series_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"minutes_before" integer NOT NULL,
	CONSTRAINT "event_reminders_series_id_user_id_minutes_before_pk" PRIMARY KEY("series_id","user_id","minutes_before")
);
--> statement-breakpoint
CREATE TABLE "event_rsvps" (
	"series_id" uuid NOT NULL,
	"original_start" timestamp with time zone,
	"user_id" uuid NOT NULL,
	"status" text NOT NULL,
	"waitlist_position" bigint,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "event_rsvps_status" CHECK ("event_rsvps"."status" in ('going', 'maybe', 'declined', 'waitlisted')),
	CONSTRAINT "event_rsvps_waitlist" CHECK (("event_rsvps"."status" = 'waitlisted') = ("event_rsvps"."waitlist_position" is not null))
);
--> statement-breakpoint
CREATE TABLE "event_series" (
	"id" uuid PRIMARY KEY NOT NULL,
	"community_id" uuid NOT NULL,
	"group_id" uuid,
	"room_id" uuid,
	"title" text NOT NULL,
	"description" text,
	"location" text,
	"start_local" text NOT NULL,
	"time_zone" text NOT NULL,
	"duration_minutes" integer NOT NULL,
	"all_day" boolean DEFAULT false NOT NULL,
	"rrule" text,
	"exdates" text[] DEFAULT '{}'::text[] NOT NULL,
	"rdates" text[] DEFAULT '{}'::text[] NOT NULL,
	"capacity" integer,
	"version" integer DEFAULT 1 NOT NULL,
	"previous_id" uuid,
	"range_start" timestamp with time zone NOT NULL,
	"range_end" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "event_series_one_place" CHECK ("event_series"."group_id" is null or "event_series"."room_id" is null),
	CONSTRAINT "event_series_capacity" CHECK ("event_series"."capacity" is null or "event_series"."capacity" > 0)
);
--> statement-breakpoint
ALTER TABLE "calendar_feeds" ADD CONSTRAINT "calendar_feeds_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_overrides" ADD CONSTRAINT "event_overrides_series_id_event_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."event_series"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_reminders" ADD CONSTRAINT "event_reminders_series_id_event_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."event_series"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_reminders" ADD CONSTRAINT "event_reminders_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_rsvps" ADD CONSTRAINT "event_rsvps_series_id_event_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."event_series"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_rsvps" ADD CONSTRAINT "event_rsvps_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_series" ADD CONSTRAINT "event_series_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_series" ADD CONSTRAINT "event_series_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_series" ADD CONSTRAINT "event_series_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_series" ADD CONSTRAINT "event_series_previous_id_event_series_id_fk" FOREIGN KEY ("previous_id") REFERENCES "public"."event_series"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_series" ADD CONSTRAINT "event_series_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "calendar_feeds_token_key" ON "calendar_feeds" USING btree ("token");--> statement-breakpoint
CREATE INDEX "event_overrides_start_idx" ON "event_overrides" USING btree ("series_id","start_at");--> statement-breakpoint
CREATE INDEX "event_reminders_user_idx" ON "event_reminders" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "event_rsvps_occurrence_user" ON "event_rsvps" USING btree ("series_id","original_start","user_id") WHERE "event_rsvps"."original_start" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "event_rsvps_series_user" ON "event_rsvps" USING btree ("series_id","user_id") WHERE "event_rsvps"."original_start" is null;--> statement-breakpoint
CREATE INDEX "event_rsvps_user_idx" ON "event_rsvps" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "event_series_community_range_idx" ON "event_series" USING btree ("community_id","range_start");