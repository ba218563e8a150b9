CREATE TABLE "cost_collections" (
	"scheme_id" text NOT NULL,
	"household_id" text NOT NULL,
	"collected_at" timestamp with time zone NOT NULL,
	"recorded_by" text NOT NULL,
	CONSTRAINT "cost_collections_scheme_id_household_id_pk" PRIMARY KEY("scheme_id","household_id")
);
--> statement-breakpoint
CREATE TABLE "cost_scheme_votes" (
	"vote_id" text NOT NULL,
	"option_id" text NOT NULL,
	"scheme_id" text NOT NULL,
	CONSTRAINT "cost_scheme_votes_vote_id_option_id_pk" PRIMARY KEY("vote_id","option_id")
);
--> statement-breakpoint
CREATE TABLE "cost_schemes" (
	"id" text PRIMARY KEY NOT NULL,
	"item_id" text NOT NULL,
	"session_id" text NOT NULL,
	"community_id" text NOT NULL,
	"title" text NOT NULL,
	"total_fen" bigint NOT NULL,
	"cost_fen" bigint,
	"fund_balance_fen" bigint,
	"reserve_fen" bigint,
	"household_ids" jsonb,
	"buildings" jsonb,
	"method" jsonb NOT NULL,
	"frozen" jsonb,
	"frozen_at" timestamp with time zone,
	"chosen_vote_id" text,
	"table_hash" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "floor" integer;--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "floor_source" text DEFAULT 'unit' NOT NULL;--> statement-breakpoint
ALTER TABLE "cost_collections" ADD CONSTRAINT "cost_collections_scheme_id_cost_schemes_id_fk" FOREIGN KEY ("scheme_id") REFERENCES "public"."cost_schemes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_collections" ADD CONSTRAINT "cost_collections_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_scheme_votes" ADD CONSTRAINT "cost_scheme_votes_vote_id_votes_id_fk" FOREIGN KEY ("vote_id") REFERENCES "public"."votes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_scheme_votes" ADD CONSTRAINT "cost_scheme_votes_scheme_id_cost_schemes_id_fk" FOREIGN KEY ("scheme_id") REFERENCES "public"."cost_schemes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_schemes" ADD CONSTRAINT "cost_schemes_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_schemes" ADD CONSTRAINT "cost_schemes_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cost_scheme_votes_scheme_idx" ON "cost_scheme_votes" USING btree ("scheme_id");--> statement-breakpoint
CREATE INDEX "cost_schemes_item_idx" ON "cost_schemes" USING btree ("item_id");