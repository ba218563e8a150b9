CREATE TABLE "amendment_supporters" (
	"amendment_id" text NOT NULL,
	"participant_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "amendment_supporters_amendment_id_participant_id_pk" PRIMARY KEY("amendment_id","participant_id")
);
--> statement-breakpoint
CREATE TABLE "amendments" (
	"id" text PRIMARY KEY NOT NULL,
	"item_id" text NOT NULL,
	"session_id" text NOT NULL,
	"participant_id" text NOT NULL,
	"author_name" text NOT NULL,
	"author_role" text NOT NULL,
	"anchor" jsonb NOT NULL,
	"quote_then" text NOT NULL,
	"text" text NOT NULL,
	"reason" text,
	"status" text DEFAULT 'open' NOT NULL,
	"vote_id" text,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "item_outcomes" (
	"item_id" text PRIMARY KEY NOT NULL,
	"amending" boolean DEFAULT false NOT NULL,
	"status_set_at" timestamp with time zone,
	"hand_status" text,
	"text" text,
	"owner" text,
	"due" text,
	"progress" text DEFAULT 'not_started' NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "item_progress" (
	"id" text PRIMARY KEY NOT NULL,
	"item_id" text NOT NULL,
	"text" text NOT NULL,
	"status" text NOT NULL,
	"photo_id" text,
	"author_name" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "search_documents" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"ref_id" text NOT NULL,
	"community_id" text,
	"session_id" text,
	"item_id" text,
	"public" boolean DEFAULT false NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"url" text NOT NULL,
	"tokens" text NOT NULL,
	"tsv" "tsvector" NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "session_floor" (
	"session_id" text PRIMARY KEY NOT NULL,
	"stream_url" text,
	"bloc_quotas" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"amending" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
ALTER TABLE "amendment_supporters" ADD CONSTRAINT "amendment_supporters_amendment_id_amendments_id_fk" FOREIGN KEY ("amendment_id") REFERENCES "public"."amendments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "amendment_supporters" ADD CONSTRAINT "amendment_supporters_participant_id_participants_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."participants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "amendments" ADD CONSTRAINT "amendments_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "amendments" ADD CONSTRAINT "amendments_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "amendments" ADD CONSTRAINT "amendments_participant_id_participants_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."participants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_outcomes" ADD CONSTRAINT "item_outcomes_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_progress" ADD CONSTRAINT "item_progress_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_progress" ADD CONSTRAINT "item_progress_photo_id_photos_id_fk" FOREIGN KEY ("photo_id") REFERENCES "public"."photos"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_floor" ADD CONSTRAINT "session_floor_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "amendments_item_idx" ON "amendments" USING btree ("item_id","created_at");--> statement-breakpoint
CREATE INDEX "amendments_vote_idx" ON "amendments" USING btree ("vote_id");--> statement-breakpoint
CREATE INDEX "item_progress_item_idx" ON "item_progress" USING btree ("item_id","at");--> statement-breakpoint
CREATE INDEX "search_documents_tsv_idx" ON "search_documents" USING gin ("tsv");--> statement-breakpoint
CREATE INDEX "search_documents_session_idx" ON "search_documents" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "search_documents_community_idx" ON "search_documents" USING btree ("community_id","at");