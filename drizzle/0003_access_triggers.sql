-- Bookkeeping for communities that must never drift, done by the database itself.

ALTER TABLE groups ADD CONSTRAINT groups_parent_id_fk
  FOREIGN KEY (parent_id) REFERENCES groups(id) ON DELETE RESTRICT;
--> statement-breakpoint

-- group_closure: one row per (ancestor, descendant), self included at depth 0.
CREATE OR REPLACE FUNCTION hearth_group_closure_insert() RETURNS trigger AS $$
BEGIN
  INSERT INTO group_closure (ancestor_id, descendant_id, depth) VALUES (NEW.id, NEW.id, 0);
  IF NEW.parent_id IS NOT NULL THEN
    INSERT INTO group_closure (ancestor_id, descendant_id, depth)
      SELECT ancestor_id, NEW.id, depth + 1 FROM group_closure WHERE descendant_id = NEW.parent_id;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER groups_closure_insert AFTER INSERT ON groups
  FOR EACH ROW EXECUTE FUNCTION hearth_group_closure_insert();
--> statement-breakpoint

CREATE OR REPLACE FUNCTION hearth_group_check_parent() RETURNS trigger AS $$
BEGIN
  IF NEW.parent_id IS NOT NULL THEN
    IF NOT EXISTS (SELECT 1 FROM groups WHERE id = NEW.parent_id AND community_id = NEW.community_id) THEN
      RAISE EXCEPTION 'parent group % is not in community %', NEW.parent_id, NEW.community_id
        USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND EXISTS (
      SELECT 1 FROM group_closure WHERE ancestor_id = NEW.id AND descendant_id = NEW.parent_id
    ) THEN
      RAISE EXCEPTION 'group % cannot move into its own subtree', NEW.id USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER groups_check_parent BEFORE INSERT OR UPDATE OF parent_id ON groups
  FOR EACH ROW EXECUTE FUNCTION hearth_group_check_parent();
--> statement-breakpoint

-- A move re-links the whole subtree: drop its links to the old ancestors, add the new ones.
CREATE OR REPLACE FUNCTION hearth_group_closure_move() RETURNS trigger AS $$
BEGIN
  IF NEW.parent_id IS NOT DISTINCT FROM OLD.parent_id THEN
    RETURN NULL;
  END IF;
  DELETE FROM group_closure
   WHERE descendant_id IN (SELECT descendant_id FROM group_closure WHERE ancestor_id = NEW.id)
     AND ancestor_id NOT IN (SELECT descendant_id FROM group_closure WHERE ancestor_id = NEW.id);
  IF NEW.parent_id IS NOT NULL THEN
    INSERT INTO group_closure (ancestor_id, descendant_id, depth)
      SELECT up.ancestor_id, down.descendant_id, up.depth + down.depth + 1
        FROM group_closure up, group_closure down
       WHERE up.descendant_id = NEW.parent_id AND down.ancestor_id = NEW.id;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER groups_closure_move AFTER UPDATE OF parent_id ON groups
  FOR EACH ROW EXECUTE FUNCTION hearth_group_closure_move();
--> statement-breakpoint

-- Rooms may only sit in a group of their own community.
CREATE OR REPLACE FUNCTION hearth_room_check_group() RETURNS trigger AS $$
BEGIN
  IF NEW.group_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM groups WHERE id = NEW.group_id AND community_id = NEW.community_id
  ) THEN
    RAISE EXCEPTION 'group % is not in community %', NEW.group_id, NEW.community_id
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER rooms_check_group BEFORE INSERT OR UPDATE OF group_id ON rooms
  FOR EACH ROW EXECUTE FUNCTION hearth_room_check_group();
--> statement-breakpoint

-- Counters.
CREATE OR REPLACE FUNCTION hearth_count_community_members() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE communities SET member_count = member_count + 1 WHERE id = NEW.community_id;
  ELSE
    UPDATE communities SET member_count = member_count - 1 WHERE id = OLD.community_id;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER community_members_count AFTER INSERT OR DELETE ON community_members
  FOR EACH ROW EXECUTE FUNCTION hearth_count_community_members();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION hearth_count_room_members() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE rooms SET member_count = member_count + 1 WHERE id = NEW.room_id;
  ELSE
    UPDATE rooms SET member_count = member_count - 1 WHERE id = OLD.room_id;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER room_members_count AFTER INSERT OR DELETE ON room_members
  FOR EACH ROW EXECUTE FUNCTION hearth_count_room_members();
--> statement-breakpoint

CREATE TRIGGER communities_touch_updated_at BEFORE UPDATE ON communities
  FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();
--> statement-breakpoint
CREATE TRIGGER groups_touch_updated_at BEFORE UPDATE ON groups
  FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();
--> statement-breakpoint
CREATE TRIGGER rooms_touch_updated_at BEFORE UPDATE ON rooms
  FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();
--> statement-breakpoint
CREATE TRIGGER roles_touch_updated_at BEFORE UPDATE ON roles
  FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();
--> statement-breakpoint

-- Audit: every change to who can do what, with the actor the service put in
-- `hearth.actor_id` for the transaction. Counter-only updates are not audited.
CREATE OR REPLACE FUNCTION hearth_audit() RETURNS trigger AS $$
DECLARE
  before_row jsonb := CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD) END;
  after_row jsonb := CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_jsonb(NEW) END;
  actor text := nullif(current_setting('hearth.actor_id', true), '');
BEGIN
  IF TG_OP = 'UPDATE' AND (before_row - 'member_count' - 'updated_at' - 'uses') = (after_row - 'member_count' - 'updated_at' - 'uses') THEN
    RETURN NULL;
  END IF;
  INSERT INTO audit_log (community_id, actor_id, action, entity, before, after)
  VALUES (
    (coalesce(after_row, before_row) ->> CASE TG_TABLE_NAME WHEN 'communities' THEN 'id' ELSE 'community_id' END)::uuid,
    actor::uuid,
    lower(TG_OP),
    TG_TABLE_NAME,
    before_row,
    after_row
  );
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER communities_audit AFTER UPDATE ON communities FOR EACH ROW EXECUTE FUNCTION hearth_audit();
--> statement-breakpoint
CREATE TRIGGER community_owners_audit AFTER INSERT OR DELETE ON community_owners FOR EACH ROW EXECUTE FUNCTION hearth_audit();
--> statement-breakpoint
CREATE TRIGGER community_members_audit AFTER INSERT OR UPDATE OR DELETE ON community_members FOR EACH ROW EXECUTE FUNCTION hearth_audit();
--> statement-breakpoint
CREATE TRIGGER groups_audit AFTER INSERT OR UPDATE OR DELETE ON groups FOR EACH ROW EXECUTE FUNCTION hearth_audit();
--> statement-breakpoint
CREATE TRIGGER rooms_audit AFTER INSERT OR UPDATE OR DELETE ON rooms FOR EACH ROW EXECUTE FUNCTION hearth_audit();
--> statement-breakpoint
CREATE TRIGGER room_members_audit AFTER INSERT OR DELETE ON room_members FOR EACH ROW EXECUTE FUNCTION hearth_audit();
--> statement-breakpoint
CREATE TRIGGER roles_audit AFTER INSERT OR UPDATE OR DELETE ON roles FOR EACH ROW EXECUTE FUNCTION hearth_audit();
--> statement-breakpoint
CREATE TRIGGER member_roles_audit AFTER INSERT OR DELETE ON member_roles FOR EACH ROW EXECUTE FUNCTION hearth_audit();
--> statement-breakpoint
CREATE TRIGGER overwrites_audit AFTER INSERT OR UPDATE OR DELETE ON overwrites FOR EACH ROW EXECUTE FUNCTION hearth_audit();
--> statement-breakpoint
CREATE TRIGGER invites_audit AFTER INSERT OR UPDATE OR DELETE ON invites FOR EACH ROW EXECUTE FUNCTION hearth_audit();
--> statement-breakpoint
CREATE TRIGGER bans_audit AFTER INSERT OR DELETE ON bans FOR EACH ROW EXECUTE FUNCTION hearth_audit();
