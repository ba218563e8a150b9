-- The audit log of staff actions is append-only, like the transcript: the database itself
-- refuses to change or remove a row.
CREATE OR REPLACE FUNCTION yishi_audit_append_only() RETURNS trigger AS $$
BEGIN
	RAISE EXCEPTION 'audit log entries are append-only (% refused)', TG_OP
		USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
DROP TRIGGER IF EXISTS audit_log_no_update_delete ON audit_log;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update_delete
	BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION yishi_audit_append_only();
--> statement-breakpoint
DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate
	BEFORE TRUNCATE ON audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION yishi_audit_append_only();
