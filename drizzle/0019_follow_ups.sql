CREATE TABLE "follow_up_ratings" (
	"follow_up_id" text NOT NULL,
	"member_id" text NOT NULL,
	"stars" integer NOT NULL,
	"comment" text,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "follow_up_ratings_follow_up_id_member_id_pk" PRIMARY KEY("follow_up_id","member_id"),
	CONSTRAINT "follow_up_ratings_stars_check" CHECK ("follow_up_ratings"."stars" between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE "follow_up_updates" (
	"id" text PRIMARY KEY NOT NULL,
	"follow_up_id" text NOT NULL,
	"text" text NOT NULL,
	"status" text,
	"photo_id" text,
	"author_name" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "follow_ups" (
	"id" text PRIMARY KEY NOT NULL,
	"subject_kind" text NOT NULL,
	"subject_id" text NOT NULL,
	"community_id" text NOT NULL,
	"status" text DEFAULT 'not_started' NOT NULL,
	"notice_starts_at" timestamp with time zone,
	"notice_ends_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "follow_up_ratings" ADD CONSTRAINT "follow_up_ratings_follow_up_id_follow_ups_id_fk" FOREIGN KEY ("follow_up_id") REFERENCES "public"."follow_ups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_up_ratings" ADD CONSTRAINT "follow_up_ratings_member_id_community_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."community_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_up_updates" ADD CONSTRAINT "follow_up_updates_follow_up_id_follow_ups_id_fk" FOREIGN KEY ("follow_up_id") REFERENCES "public"."follow_ups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_up_updates" ADD CONSTRAINT "follow_up_updates_photo_id_photos_id_fk" FOREIGN KEY ("photo_id") REFERENCES "public"."photos"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "follow_up_updates_idx" ON "follow_up_updates" USING btree ("follow_up_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "follow_ups_subject_idx" ON "follow_ups" USING btree ("subject_kind","subject_id");--> statement-breakpoint
CREATE INDEX "follow_ups_community_idx" ON "follow_ups" USING btree ("community_id","notice_ends_at");--> statement-breakpoint
-- What projects and item outcomes kept in tables of their own moves here (0020 drops them).
-- A project with a notice is treated as done and one with milestones as in progress, the only
-- readings its old rows allow.
INSERT INTO "follow_ups" ("id", "subject_kind", "subject_id", "community_id", "status", "notice_starts_at", "notice_ends_at")
SELECT 'project:' || p."id", 'project', p."id", p."community_id",
	CASE
		WHEN p."notice_starts_at" IS NOT NULL THEN 'done'
		WHEN EXISTS (SELECT 1 FROM "project_milestones" m WHERE m."project_id" = p."id") THEN 'in_progress'
		ELSE 'not_started'
	END,
	p."notice_starts_at", p."notice_ends_at"
FROM "projects" p;--> statement-breakpoint
INSERT INTO "follow_ups" ("id", "subject_kind", "subject_id", "community_id", "status")
SELECT 'item:' || o."item_id", 'item', o."item_id", s."community_id", o."progress"
FROM "item_outcomes" o
JOIN "items" i ON i."id" = o."item_id"
JOIN "sessions" s ON s."id" = i."session_id"
WHERE o."text" IS NOT NULL OR o."progress" <> 'not_started'
	OR EXISTS (SELECT 1 FROM "item_progress" ip WHERE ip."item_id" = o."item_id");--> statement-breakpoint
INSERT INTO "follow_up_updates" ("id", "follow_up_id", "text", "status", "photo_id", "author_name", "at")
SELECT m."id", 'project:' || m."project_id", m."text", NULL, m."photo_id", m."author_name", m."at"
FROM "project_milestones" m;--> statement-breakpoint
INSERT INTO "follow_up_updates" ("id", "follow_up_id", "text", "status", "photo_id", "author_name", "at")
SELECT ip."id", 'item:' || ip."item_id", ip."text", ip."status", ip."photo_id", ip."author_name", ip."at"
FROM "item_progress" ip
WHERE EXISTS (SELECT 1 FROM "follow_ups" f WHERE f."id" = 'item:' || ip."item_id");--> statement-breakpoint
INSERT INTO "follow_up_ratings" ("follow_up_id", "member_id", "stars", "comment", "at")
SELECT 'project:' || r."project_id", r."member_id", r."stars", r."comment", r."at"
FROM "project_ratings" r;
