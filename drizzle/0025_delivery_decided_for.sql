-- The endpoint's creator a delivery was decided for: an attempt made once the endpoint has
-- another creator asks that one again (by who, not by when: a URL change committing between
-- the check and the insert, or two hosts' clocks, no longer let a private delivery through).
ALTER TABLE "webhook_deliveries" ADD COLUMN "decided_for" uuid;--> statement-breakpoint
-- Until 0024 an endpoint's creator never changed: every earlier delivery was decided for it.
UPDATE "webhook_deliveries" AS d SET "decided_for" = e."created_by" FROM "webhook_endpoints" AS e WHERE e."id" = d."endpoint_id";--> statement-breakpoint
-- Deliveries logged before 0024 (`unknown`) get their place back where the event type, the
-- body or the thing it names says it: events of the whole community by type; a room's
-- (messages, rooms, polls) and a new survey's group from the body Hearth signed; a closed
-- survey's and a calendar event's from its row (neither ever moves). Those whose row is gone
-- (a deleted calendar event, a deleted survey) stay `unknown`: hidden from every reader of the log.
UPDATE "webhook_deliveries" SET "place_kind" = 'community'
  WHERE "place_kind" = 'unknown'
    AND "event_type" IN ('member.joined', 'member.left', 'automod.rule_created', 'automod.rule_updated', 'automod.rule_deleted', 'webhook.disabled');--> statement-breakpoint
UPDATE "webhook_deliveries" AS d SET "place_kind" = p."kind", "place_id" = p."id"::uuid
  FROM (
    SELECT "id" AS "delivery_id",
      CASE WHEN "event_type" = 'survey.created' THEN 'group' ELSE 'room' END AS "kind",
      CASE
        WHEN "event_type" IN ('message.created', 'message.updated') THEN "body"::jsonb #>> '{data,message,roomId}'
        WHEN "event_type" IN ('room.created', 'room.updated') THEN "body"::jsonb #>> '{data,room,id}'
        WHEN "event_type" = 'survey.created' THEN "body"::jsonb #>> '{data,groupId}'
        ELSE "body"::jsonb #>> '{data,roomId}'
      END AS "id"
    FROM "webhook_deliveries"
    WHERE "place_kind" = 'unknown'
      AND "event_type" IN ('message.created', 'message.updated', 'message.deleted', 'room.created', 'room.updated', 'room.member_added', 'room.member_removed', 'poll.created', 'poll.closed', 'survey.created')
  ) AS p
  WHERE d."id" = p."delivery_id" AND p."id" ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';--> statement-breakpoint
-- A survey of no group is the whole community's.
UPDATE "webhook_deliveries" SET "place_kind" = 'community'
  WHERE "place_kind" = 'unknown' AND "event_type" = 'survey.created' AND ("body"::jsonb -> 'data' -> 'groupId') = 'null'::jsonb;--> statement-breakpoint
UPDATE "webhook_deliveries" AS d
  SET "place_kind" = CASE WHEN s."group_id" IS NULL THEN 'community' ELSE 'group' END, "place_id" = s."group_id"
  FROM "surveys" AS s
  WHERE d."place_kind" = 'unknown' AND d."event_type" = 'survey.closed' AND s."id"::text = d."body"::jsonb #>> '{data,surveyId}';--> statement-breakpoint
UPDATE "webhook_deliveries" AS d
  SET "place_kind" = CASE WHEN s."room_id" IS NOT NULL THEN 'room' WHEN s."group_id" IS NOT NULL THEN 'group' ELSE 'community' END,
    "place_id" = coalesce(s."room_id", s."group_id")
  FROM "event_series" AS s
  WHERE d."place_kind" = 'unknown' AND d."event_type" LIKE 'event.%' AND s."id"::text = d."body"::jsonb #>> '{data,eventId}';
