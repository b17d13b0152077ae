CREATE TABLE "poll_ballots" (
	"poll_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"option_ids" uuid[] NOT NULL,
	"voted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "poll_ballots_poll_id_user_id_pk" PRIMARY KEY("poll_id","user_id"),
	CONSTRAINT "poll_ballots_not_empty" CHECK (cardinality("poll_ballots"."option_ids") > 0)
);
--> statement-breakpoint
CREATE TABLE "poll_options" (
	"id" uuid PRIMARY KEY NOT NULL,
	"poll_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"text" text NOT NULL,
	"votes" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "poll_options_votes_check" CHECK ("poll_options"."votes" >= 0)
);
--> statement-breakpoint
CREATE TABLE "polls" (
	"id" uuid PRIMARY KEY NOT NULL,
	"room_id" uuid NOT NULL,
	"author_id" uuid,
	"nonce" text NOT NULL,
	"message_id" uuid,
	"seq" bigint,
	"question" text NOT NULL,
	"multiple" boolean DEFAULT false NOT NULL,
	"max_choices" integer DEFAULT 1 NOT NULL,
	"anonymous" boolean DEFAULT false NOT NULL,
	"results_visibility" text DEFAULT 'always' NOT NULL,
	"allow_change" boolean DEFAULT true NOT NULL,
	"quiz_correct_option_id" uuid,
	"quiz_explanation" text,
	"closes_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"voter_count" integer DEFAULT 0 NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "polls_results_visibility_check" CHECK ("polls"."results_visibility" in ('always', 'after_vote', 'after_close')),
	CONSTRAINT "polls_voter_count_check" CHECK ("polls"."voter_count" >= 0),
	CONSTRAINT "polls_max_choices_check" CHECK ("polls"."max_choices" >= 1)
);
--> statement-breakpoint
CREATE TABLE "survey_responses" (
	"survey_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"answers" jsonb NOT NULL,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "survey_responses_survey_id_user_id_pk" PRIMARY KEY("survey_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "surveys" (
	"id" uuid PRIMARY KEY NOT NULL,
	"community_id" uuid NOT NULL,
	"group_id" uuid,
	"author_id" uuid,
	"nonce" text NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"questions" jsonb NOT NULL,
	"anonymous" boolean DEFAULT false NOT NULL,
	"results_for_respondents" boolean DEFAULT false NOT NULL,
	"room_id" uuid,
	"message_id" uuid,
	"closes_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "kind" text DEFAULT 'text' NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "poll_id" uuid;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "survey_id" uuid;--> statement-breakpoint
ALTER TABLE "poll_ballots" ADD CONSTRAINT "poll_ballots_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_ballots" ADD CONSTRAINT "poll_ballots_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_options" ADD CONSTRAINT "poll_options_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "polls" ADD CONSTRAINT "polls_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "polls" ADD CONSTRAINT "polls_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "surveys" ADD CONSTRAINT "surveys_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "surveys" ADD CONSTRAINT "surveys_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "surveys" ADD CONSTRAINT "surveys_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "surveys" ADD CONSTRAINT "surveys_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "poll_options_poll_position_key" ON "poll_options" USING btree ("poll_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "polls_room_author_nonce_key" ON "polls" USING btree ("room_id","author_id","nonce");--> statement-breakpoint
CREATE UNIQUE INDEX "polls_message_key" ON "polls" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "polls_pending_idx" ON "polls" USING btree ("created_at") WHERE "polls"."message_id" is null;--> statement-breakpoint
CREATE INDEX "surveys_community_idx" ON "surveys" USING btree ("community_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "surveys_community_author_nonce_key" ON "surveys" USING btree ("community_id","author_id","nonce");--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_kind_check" CHECK (("messages"."kind" = 'text' and "messages"."poll_id" is null and "messages"."survey_id" is null)
        or ("messages"."kind" = 'poll' and "messages"."poll_id" is not null and "messages"."survey_id" is null)
        or ("messages"."kind" = 'survey' and "messages"."survey_id" is not null and "messages"."poll_id" is null));