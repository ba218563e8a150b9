CREATE TABLE "ballot_lists" (
	"vote_id" text PRIMARY KEY NOT NULL,
	"body" jsonb NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ballot_receipts" (
	"vote_id" text NOT NULL,
	"voter_key" text NOT NULL,
	"receipt" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ballot_receipts_vote_id_voter_key_pk" PRIMARY KEY("vote_id","voter_key")
);
--> statement-breakpoint
CREATE TABLE "hidden_texts" (
	"kind" text NOT NULL,
	"id" text NOT NULL,
	"community_id" text NOT NULL,
	"reason" text NOT NULL,
	"hidden_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hidden_texts_kind_id_pk" PRIMARY KEY("kind","id")
);
--> statement-breakpoint
CREATE TABLE "pseudonym_secrets" (
	"community_id" text PRIMARY KEY NOT NULL,
	"secret" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "record_texts" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"session_id" text NOT NULL,
	"seq" integer NOT NULL,
	"author_id" text,
	"text" text NOT NULL,
	"salt" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signed_heads" (
	"n" integer PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"seq" integer NOT NULL,
	"head" text NOT NULL,
	"at" text NOT NULL,
	"signature" text NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signed_heads_tip" (
	"id" integer PRIMARY KEY NOT NULL,
	"n" integer NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ballot_lists" ADD CONSTRAINT "ballot_lists_vote_id_votes_id_fk" FOREIGN KEY ("vote_id") REFERENCES "public"."votes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ballot_receipts" ADD CONSTRAINT "ballot_receipts_vote_id_votes_id_fk" FOREIGN KEY ("vote_id") REFERENCES "public"."votes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "record_texts_session_idx" ON "record_texts" USING btree ("session_id","seq");--> statement-breakpoint
CREATE INDEX "signed_heads_session_idx" ON "signed_heads" USING btree ("session_id","n");