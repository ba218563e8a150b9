-- The transcript is append-only (issue 4): the database itself refuses to change history.
CREATE OR REPLACE FUNCTION yishi_transcript_append_only() RETURNS trigger AS $$
BEGIN
	RAISE EXCEPTION 'transcript entries are append-only (% refused)', TG_OP
		USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER transcript_entries_no_update_delete
	BEFORE UPDATE OR DELETE ON transcript_entries
	FOR EACH ROW EXECUTE FUNCTION yishi_transcript_append_only();
--> statement-breakpoint
CREATE TRIGGER transcript_entries_no_truncate
	BEFORE TRUNCATE ON transcript_entries
	FOR EACH STATEMENT EXECUTE FUNCTION yishi_transcript_append_only();
