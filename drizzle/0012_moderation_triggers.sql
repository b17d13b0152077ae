-- Moderation bookkeeping done by the database: a report's reporter count, updated_at, and the
-- audit trail of rule changes (with the actor the service put in `hearth.actor_id`).
CREATE OR REPLACE FUNCTION hearth_report_reporter_count() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE reports SET reporter_count = reporter_count + 1 WHERE id = NEW.report_id;
  ELSE
    UPDATE reports SET reporter_count = reporter_count - 1 WHERE id = OLD.report_id;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER report_reporters_count AFTER INSERT OR DELETE ON report_reporters
  FOR EACH ROW EXECUTE FUNCTION hearth_report_reporter_count();
--> statement-breakpoint
CREATE TRIGGER automod_rules_touch_updated_at BEFORE UPDATE ON automod_rules
  FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();
--> statement-breakpoint
CREATE TRIGGER reports_touch_updated_at BEFORE UPDATE ON reports
  FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();
--> statement-breakpoint
CREATE TRIGGER automod_rules_audit AFTER INSERT OR UPDATE OR DELETE ON automod_rules
  FOR EACH ROW EXECUTE FUNCTION hearth_audit();
