-- room_state.updated_at is stamped by the shared trigger function (0001), whatever
-- writes the row. Safe to re-apply.
CREATE OR REPLACE FUNCTION hearth_touch_updated_at() RETURNS trigger AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE TRIGGER room_state_touch_updated_at BEFORE UPDATE ON room_state
  FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();
