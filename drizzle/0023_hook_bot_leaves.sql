-- An incoming hook's bot leaves the community with its hook, however the hook goes: deleted
-- by a manager (the service removes it too) or with its room (a cascade the service never sees).
CREATE OR REPLACE FUNCTION hearth_hook_bot_leaves() RETURNS trigger AS $$
BEGIN
  DELETE FROM room_members WHERE community_id = OLD.community_id AND user_id = OLD.bot_user_id;
  DELETE FROM community_members WHERE community_id = OLD.community_id AND user_id = OLD.bot_user_id;
  RETURN OLD;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER incoming_webhooks_bot_leaves AFTER DELETE ON incoming_webhooks
  FOR EACH ROW EXECUTE FUNCTION hearth_hook_bot_leaves();
