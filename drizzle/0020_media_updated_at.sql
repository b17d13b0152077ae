-- media.updated_at is stamped by the shared trigger function (0001).
DROP TRIGGER IF EXISTS media_touch_updated_at ON media;
--> statement-breakpoint
CREATE TRIGGER media_touch_updated_at BEFORE UPDATE ON media
  FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();
