DROP TABLE "item_progress" CASCADE;--> statement-breakpoint
DROP TABLE "project_milestones" CASCADE;--> statement-breakpoint
DROP TABLE "project_ratings" CASCADE;--> statement-breakpoint
ALTER TABLE "item_outcomes" DROP COLUMN "progress";--> statement-breakpoint
ALTER TABLE "projects" DROP COLUMN "notice_starts_at";--> statement-breakpoint
ALTER TABLE "projects" DROP COLUMN "notice_ends_at";