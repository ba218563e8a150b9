CREATE TABLE "proxies" (
	"id" text PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"vote_id" text,
	"appointer_id" text,
	"owner_keys" jsonb NOT NULL,
	"household_ids" jsonb NOT NULL,
	"token" text NOT NULL,
	"holder_id" text,
	"holder_name" text,
	"paper" boolean DEFAULT false NOT NULL,
	"photo_id" text,
	"status" text NOT NULL,
	"created_by" text NOT NULL,
	"confirmed_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "proxies_token_unique" UNIQUE("token")
);
--> statement-breakpoint
CREATE TABLE "vote_notices" (
	"id" text PRIMARY KEY NOT NULL,
	"community_id" text NOT NULL,
	"session_id" text NOT NULL,
	"vote_id" text,
	"title" text NOT NULL,
	"text" text NOT NULL,
	"content" jsonb NOT NULL,
	"content_hash" text NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	"open_from" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ballots" ADD COLUMN "proxy_id" text;--> statement-breakpoint
ALTER TABLE "ballots" ADD COLUMN "photo_id" text;--> statement-breakpoint
ALTER TABLE "communities" ADD COLUMN "notice_days" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "communities" ADD COLUMN "proxy_seat_cap" integer DEFAULT 5 NOT NULL;--> statement-breakpoint
ALTER TABLE "votes" ADD COLUMN "early_reason" text;--> statement-breakpoint
ALTER TABLE "proxies" ADD CONSTRAINT "proxies_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxies" ADD CONSTRAINT "proxies_vote_id_votes_id_fk" FOREIGN KEY ("vote_id") REFERENCES "public"."votes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vote_notices" ADD CONSTRAINT "vote_notices_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vote_notices" ADD CONSTRAINT "vote_notices_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vote_notices" ADD CONSTRAINT "vote_notices_vote_id_votes_id_fk" FOREIGN KEY ("vote_id") REFERENCES "public"."votes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "proxies_session_idx" ON "proxies" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "proxies_holder_idx" ON "proxies" USING btree ("holder_id");--> statement-breakpoint
CREATE INDEX "vote_notices_community_idx" ON "vote_notices" USING btree ("community_id","published_at");--> statement-breakpoint
CREATE INDEX "vote_notices_vote_idx" ON "vote_notices" USING btree ("vote_id");--> statement-breakpoint
ALTER TABLE "votes" ADD CONSTRAINT "votes_kind_check" CHECK (kind in ('yes_no_abstain', 'single', 'multiple', 'ranked', 'score', 'approval'));