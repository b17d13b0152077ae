-- The social counters never drift: follows, posts, likes and comments keep them by
-- trigger, whatever code path writes the rows.

-- Adds to one user's counters. A row is created only when adding (a follow or a post);
-- a removal never creates one, so the cascade of a user's own deletion cannot revive it.
CREATE OR REPLACE FUNCTION hearth_bump_user_stats(uid uuid, followers integer, following integer, posts integer)
RETURNS void AS $$
BEGIN
  IF followers >= 0 AND following >= 0 AND posts >= 0 THEN
    INSERT INTO user_stats AS s (user_id, followers_count, following_count, posts_count)
      VALUES (uid, followers, following, posts)
      ON CONFLICT (user_id) DO UPDATE SET
        followers_count = s.followers_count + followers,
        following_count = s.following_count + following,
        posts_count = s.posts_count + posts;
  ELSE
    UPDATE user_stats SET
      followers_count = followers_count + followers,
      following_count = following_count + following,
      posts_count = posts_count + posts
    WHERE user_id = uid;
  END IF;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION hearth_follows_count() RETURNS trigger AS $$
DECLARE
  follower uuid;
  followee uuid;
  d integer;
BEGIN
  IF TG_OP = 'INSERT' THEN
    follower := NEW.follower_id; followee := NEW.followee_id; d := 1;
  ELSE
    follower := OLD.follower_id; followee := OLD.followee_id; d := -1;
  END IF;
  -- The two rows in id order: A following B while B follows A must not deadlock.
  IF follower < followee THEN
    PERFORM hearth_bump_user_stats(follower, 0, d, 0);
    PERFORM hearth_bump_user_stats(followee, d, 0, 0);
  ELSE
    PERFORM hearth_bump_user_stats(followee, d, 0, 0);
    PERFORM hearth_bump_user_stats(follower, 0, d, 0);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER follows_count AFTER INSERT OR DELETE ON follows
  FOR EACH ROW EXECUTE FUNCTION hearth_follows_count();
--> statement-breakpoint
-- A post counts while it is not a tombstone.
CREATE OR REPLACE FUNCTION hearth_posts_count() RETURNS trigger AS $$
DECLARE
  d integer := 0;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.deleted_at IS NULL THEN d := d - 1; END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.deleted_at IS NULL THEN d := d + 1; END IF;
  IF d <> 0 THEN
    PERFORM hearth_bump_user_stats(CASE WHEN TG_OP = 'DELETE' THEN OLD.author_id ELSE NEW.author_id END, 0, 0, d);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER posts_count AFTER INSERT OR UPDATE OF deleted_at OR DELETE ON posts
  FOR EACH ROW EXECUTE FUNCTION hearth_posts_count();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION hearth_post_likes_count() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE posts SET likes_count = likes_count + 1 WHERE id = NEW.post_id;
  ELSE
    UPDATE posts SET likes_count = likes_count - 1 WHERE id = OLD.post_id;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER post_likes_count AFTER INSERT OR DELETE ON post_likes
  FOR EACH ROW EXECUTE FUNCTION hearth_post_likes_count();
--> statement-breakpoint
-- A comment counts on its post (and a reply on its top-level comment) while it is not a
-- tombstone. The post row is updated first, as every writer of comments locks it first.
CREATE OR REPLACE FUNCTION hearth_comments_count() RETURNS trigger AS $$
DECLARE
  d integer := 0;
  r comments%ROWTYPE;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.deleted_at IS NULL THEN d := d - 1; END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.deleted_at IS NULL THEN d := d + 1; END IF;
  IF d = 0 THEN RETURN NULL; END IF;
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  UPDATE posts SET comments_count = comments_count + d WHERE id = r.post_id;
  IF r.parent_id IS NOT NULL THEN
    UPDATE comments SET replies_count = replies_count + d WHERE id = r.parent_id;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER comments_count AFTER INSERT OR UPDATE OF deleted_at OR DELETE ON comments
  FOR EACH ROW EXECUTE FUNCTION hearth_comments_count();
