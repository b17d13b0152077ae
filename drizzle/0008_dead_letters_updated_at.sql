-- dead_letters.updated_at is stamped by the shared trigger function (0001). Safe to re-apply.
DROP TRIGGER IF EXISTS dead_letters_touch_updated_at ON dead_letters;
--> statement-breakpoint
CREATE TRIGGER dead_letters_touch_updated_at BEFORE UPDATE ON dead_letters
  FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();
