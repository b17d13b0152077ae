-- Bookkeeping that must never drift lives in the database: updated_at is stamped by a
-- trigger, whatever code path writes the row.
CREATE OR REPLACE FUNCTION hearth_touch_updated_at() RETURNS trigger AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER users_touch_updated_at BEFORE UPDATE ON users
  FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();
