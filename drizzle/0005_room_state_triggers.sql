-- room_state.updated_at is stamped by the shared trigger function of 0001.
CREATE OR REPLACE TRIGGER room_state_touch_updated_at BEFORE UPDATE ON room_state
  FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();
