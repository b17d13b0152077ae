-- Poll counts are kept by the database, whatever writes or removes a ballot (a vote, a
-- retraction, a user deleted by cascade): per statement, from its transition tables, so a
-- batch of a thousand ballots costs one update per option, not one per ballot. Each
-- updates polls before poll_options, the order the vote path locks them in.
CREATE OR REPLACE FUNCTION hearth_poll_ballots_added() RETURNS trigger AS $$
BEGIN
  UPDATE polls p SET voter_count = p.voter_count + d.n
    FROM (SELECT poll_id, count(*) AS n FROM added GROUP BY poll_id) d
   WHERE p.id = d.poll_id;
  UPDATE poll_options o SET votes = o.votes + d.n
    FROM (SELECT x.option_id, count(*) AS n FROM added a, unnest(a.option_ids) AS x(option_id) GROUP BY x.option_id) d
   WHERE o.id = d.option_id;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION hearth_poll_ballots_removed() RETURNS trigger AS $$
BEGIN
  UPDATE polls p SET voter_count = p.voter_count - d.n
    FROM (SELECT poll_id, count(*) AS n FROM removed GROUP BY poll_id) d
   WHERE p.id = d.poll_id;
  UPDATE poll_options o SET votes = o.votes - d.n
    FROM (SELECT x.option_id, count(*) AS n FROM removed r, unnest(r.option_ids) AS x(option_id) GROUP BY x.option_id) d
   WHERE o.id = d.option_id;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION hearth_poll_ballots_changed() RETURNS trigger AS $$
BEGIN
  UPDATE poll_options o SET votes = o.votes + d.n
    FROM (
      SELECT option_id, sum(n) AS n FROM (
        SELECT x.option_id, 1 AS n FROM after_change a, unnest(a.option_ids) AS x(option_id)
        UNION ALL
        SELECT x.option_id, -1 AS n FROM before_change b, unnest(b.option_ids) AS x(option_id)
      ) deltas GROUP BY option_id HAVING sum(n) <> 0
    ) d
   WHERE o.id = d.option_id;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER poll_ballots_count_added AFTER INSERT ON poll_ballots
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION hearth_poll_ballots_added();
--> statement-breakpoint
CREATE TRIGGER poll_ballots_count_removed AFTER DELETE ON poll_ballots
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION hearth_poll_ballots_removed();
--> statement-breakpoint
CREATE TRIGGER poll_ballots_count_changed AFTER UPDATE ON poll_ballots
  REFERENCING OLD TABLE AS before_change NEW TABLE AS after_change FOR EACH STATEMENT EXECUTE FUNCTION hearth_poll_ballots_changed();
--> statement-breakpoint
-- A survey response's updated_at is stamped by the shared trigger function of 0001.
CREATE OR REPLACE TRIGGER survey_responses_touch_updated_at BEFORE UPDATE ON survey_responses
  FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();
