CREATE TABLE "community_channels" (
	"community_id" text PRIMARY KEY NOT NULL,
	"wecom_webhook" text,
	"wecom_digest" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "household_short_codes" (
	"household_id" text PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	CONSTRAINT "household_short_codes_code_unique" UNIQUE("code")
);
--> statement-breakpoint
ALTER TABLE "community_channels" ADD CONSTRAINT "community_channels_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "household_short_codes" ADD CONSTRAINT "household_short_codes_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE cascade ON UPDATE no action;