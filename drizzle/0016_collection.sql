ALTER TABLE "cost_schemes" ADD COLUMN "chosen_by" text;--> statement-breakpoint
ALTER TABLE "cost_schemes" ADD COLUMN "chosen_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cost_schemes" ADD COLUMN "author_role" text DEFAULT 'moderator' NOT NULL;--> statement-breakpoint
ALTER TABLE "session_floor" ADD COLUMN "cost_drafting" boolean DEFAULT false NOT NULL;