-- The log of signed heads is append-only like the transcript (src/lib/protocol/REFERENCE.md,
-- additions to §8): the database refuses to change or drop what was published.
DROP TRIGGER IF EXISTS signed_heads_no_update_delete ON signed_heads;
--> statement-breakpoint
CREATE TRIGGER signed_heads_no_update_delete
	BEFORE UPDATE OR DELETE ON signed_heads
	FOR EACH ROW EXECUTE FUNCTION yishi_transcript_append_only();
--> statement-breakpoint
DROP TRIGGER IF EXISTS signed_heads_no_truncate ON signed_heads;
--> statement-breakpoint
CREATE TRIGGER signed_heads_no_truncate
	BEFORE TRUNCATE ON signed_heads
	FOR EACH STATEMENT EXECUTE FUNCTION yishi_transcript_append_only();
