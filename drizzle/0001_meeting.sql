CREATE TABLE "ballots" (
	"id" text PRIMARY KEY NOT NULL,
	"vote_id" text NOT NULL,
	"voter_key" text NOT NULL,
	"participant_id" text,
	"choice" jsonb NOT NULL,
	"paper" boolean DEFAULT false NOT NULL,
	"entered_by" text,
	"cast_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hands" (
	"id" text PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"participant_id" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"raised_at" timestamp with time zone NOT NULL,
	"added_by" text,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"limit_seconds" integer
);
--> statement-breakpoint
CREATE TABLE "households" (
	"id" text PRIMARY KEY NOT NULL,
	"community_id" text NOT NULL,
	"building" text NOT NULL,
	"unit" text NOT NULL,
	"area" integer NOT NULL,
	"owner_key" text NOT NULL,
	"seat_code" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "households_seat_code_unique" UNIQUE("seat_code")
);
--> statement-breakpoint
CREATE TABLE "seats" (
	"session_id" text NOT NULL,
	"owner_key" text NOT NULL,
	"household_id" text NOT NULL,
	"participant_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "seats_session_id_owner_key_pk" PRIMARY KEY("session_id","owner_key")
);
--> statement-breakpoint
CREATE TABLE "votes" (
	"id" text PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"item_id" text NOT NULL,
	"question" text NOT NULL,
	"kind" text NOT NULL,
	"options" jsonb NOT NULL,
	"min_choices" integer DEFAULT 1 NOT NULL,
	"max_choices" integer DEFAULT 1 NOT NULL,
	"secret" boolean NOT NULL,
	"tally_mode" text NOT NULL,
	"eligibility" text NOT NULL,
	"changeable" boolean DEFAULT false NOT NULL,
	"rule" jsonb NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"eligible" jsonb,
	"salt" text NOT NULL,
	"result" jsonb,
	"closes_at" timestamp with time zone,
	"opened_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "speaking_limit_seconds" integer DEFAULT 180 NOT NULL;--> statement-breakpoint
ALTER TABLE "ballots" ADD CONSTRAINT "ballots_vote_id_votes_id_fk" FOREIGN KEY ("vote_id") REFERENCES "public"."votes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hands" ADD CONSTRAINT "hands_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hands" ADD CONSTRAINT "hands_participant_id_participants_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."participants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "seats" ADD CONSTRAINT "seats_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "seats" ADD CONSTRAINT "seats_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "seats" ADD CONSTRAINT "seats_participant_id_participants_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."participants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "votes" ADD CONSTRAINT "votes_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "votes" ADD CONSTRAINT "votes_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ballots_one_per_seat_idx" ON "ballots" USING btree ("vote_id","voter_key");--> statement-breakpoint
CREATE INDEX "hands_session_idx" ON "hands" USING btree ("session_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "hands_one_live_idx" ON "hands" USING btree ("session_id","participant_id") WHERE "hands"."status" in ('waiting', 'speaking');--> statement-breakpoint
CREATE UNIQUE INDEX "hands_one_speaker_idx" ON "hands" USING btree ("session_id") WHERE "hands"."status" = 'speaking';--> statement-breakpoint
CREATE UNIQUE INDEX "households_unit_idx" ON "households" USING btree ("community_id","building","unit");--> statement-breakpoint
CREATE INDEX "seats_participant_idx" ON "seats" USING btree ("participant_id");--> statement-breakpoint
CREATE INDEX "votes_session_idx" ON "votes" USING btree ("session_id");