-- The daily counters of petition_stats_daily (schema.ts, docs/decisions/009), filled from the rows already
-- there and then kept by triggers in the transaction of every write to petitions and ratings. A petition's
-- contribution is its own flags plus its ratings, counted under its submission day (Asia/Shanghai: UTC+8, no
-- daylight saving since 1991), its current handling unit and its category; an update takes the old contribution
-- out and puts the new one in, so a petition handed to another unit takes its counts and ratings along.
INSERT INTO `petition_stats_daily` (`day`, `unit_id`, `category_id`, `submitted`, `decided`, `decided_on_time`, `replied_accepted`, `replied_on_time`, `first_replies`, `reviewed_first_replies`, `handling_ms`, `repeats`, `ratings`, `satisfied_ratings`, `first_reply_ratings`)
SELECT strftime('%Y-%m-%d', (p.submitted_at + 28800000) / 1000, 'unixepoch'), p.handling_unit_id, p.category_id,
  count(*),
  sum(p.decided_at IS NOT NULL),
  sum(coalesce(p.is_decided_on_time, 0)),
  sum(p.first_replied_at IS NOT NULL AND p.accepted_at IS NOT NULL),
  sum(p.first_replied_at IS NOT NULL AND p.accepted_at IS NOT NULL AND coalesce(p.is_first_reply_on_time, 0)),
  sum(p.first_replied_at IS NOT NULL),
  sum(p.first_replied_at IS NOT NULL AND p.review_requested_at IS NOT NULL),
  coalesce(sum(p.first_replied_at - p.accepted_at), 0),
  sum(p.possible_repeat_of_id IS NOT NULL),
  0, 0, 0
FROM `petitions` p WHERE true
GROUP BY 1, 2, 3;
--> statement-breakpoint
INSERT INTO `petition_stats_daily` (`day`, `unit_id`, `category_id`, `submitted`, `decided`, `decided_on_time`, `replied_accepted`, `replied_on_time`, `first_replies`, `reviewed_first_replies`, `handling_ms`, `repeats`, `ratings`, `satisfied_ratings`, `first_reply_ratings`)
SELECT strftime('%Y-%m-%d', (p.submitted_at + 28800000) / 1000, 'unixepoch'), p.handling_unit_id, p.category_id, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  count(*), sum(r.level IN ('satisfied', 'basically_satisfied')), sum(r.stage = 'reply')
FROM `ratings` r JOIN `petitions` p ON p.id = r.subject_id
WHERE r.subject_kind = 'petition'
GROUP BY 1, 2, 3
ON CONFLICT (`day`, `unit_id`, `category_id`) DO UPDATE SET
    `submitted` = `submitted` + excluded.`submitted`,
    `decided` = `decided` + excluded.`decided`,
    `decided_on_time` = `decided_on_time` + excluded.`decided_on_time`,
    `replied_accepted` = `replied_accepted` + excluded.`replied_accepted`,
    `replied_on_time` = `replied_on_time` + excluded.`replied_on_time`,
    `first_replies` = `first_replies` + excluded.`first_replies`,
    `reviewed_first_replies` = `reviewed_first_replies` + excluded.`reviewed_first_replies`,
    `handling_ms` = `handling_ms` + excluded.`handling_ms`,
    `repeats` = `repeats` + excluded.`repeats`,
    `ratings` = `ratings` + excluded.`ratings`,
    `satisfied_ratings` = `satisfied_ratings` + excluded.`satisfied_ratings`,
    `first_reply_ratings` = `first_reply_ratings` + excluded.`first_reply_ratings`;
--> statement-breakpoint
CREATE TRIGGER `petition_stats_after_insert` AFTER INSERT ON `petitions` BEGIN
  INSERT INTO `petition_stats_daily` (`day`, `unit_id`, `category_id`, `submitted`, `decided`, `decided_on_time`, `replied_accepted`, `replied_on_time`, `first_replies`, `reviewed_first_replies`, `handling_ms`, `repeats`, `ratings`, `satisfied_ratings`, `first_reply_ratings`)
  SELECT strftime('%Y-%m-%d', (NEW.submitted_at + 28800000) / 1000, 'unixepoch'), NEW.handling_unit_id, NEW.category_id,
    1,
    (NEW.decided_at IS NOT NULL),
    coalesce(NEW.is_decided_on_time, 0),
    (NEW.first_replied_at IS NOT NULL AND NEW.accepted_at IS NOT NULL),
    (NEW.first_replied_at IS NOT NULL AND NEW.accepted_at IS NOT NULL AND coalesce(NEW.is_first_reply_on_time, 0)),
    (NEW.first_replied_at IS NOT NULL),
    (NEW.first_replied_at IS NOT NULL AND NEW.review_requested_at IS NOT NULL),
    coalesce(NEW.first_replied_at - NEW.accepted_at, 0),
    (NEW.possible_repeat_of_id IS NOT NULL),
    count(*),
    coalesce(sum(r.level IN ('satisfied', 'basically_satisfied')), 0),
    coalesce(sum(r.stage = 'reply'), 0)
  FROM `ratings` r WHERE r.subject_kind = 'petition' AND r.subject_id = NEW.id
  ON CONFLICT (`day`, `unit_id`, `category_id`) DO UPDATE SET
      `submitted` = `submitted` + excluded.`submitted`,
      `decided` = `decided` + excluded.`decided`,
      `decided_on_time` = `decided_on_time` + excluded.`decided_on_time`,
      `replied_accepted` = `replied_accepted` + excluded.`replied_accepted`,
      `replied_on_time` = `replied_on_time` + excluded.`replied_on_time`,
      `first_replies` = `first_replies` + excluded.`first_replies`,
      `reviewed_first_replies` = `reviewed_first_replies` + excluded.`reviewed_first_replies`,
      `handling_ms` = `handling_ms` + excluded.`handling_ms`,
      `repeats` = `repeats` + excluded.`repeats`,
      `ratings` = `ratings` + excluded.`ratings`,
      `satisfied_ratings` = `satisfied_ratings` + excluded.`satisfied_ratings`,
      `first_reply_ratings` = `first_reply_ratings` + excluded.`first_reply_ratings`;
END;
--> statement-breakpoint
CREATE TRIGGER `petition_stats_after_update` AFTER UPDATE OF submitted_at, handling_unit_id, category_id, decided_at, is_decided_on_time, accepted_at, first_replied_at, is_first_reply_on_time, review_requested_at, possible_repeat_of_id ON `petitions`
WHEN OLD.submitted_at IS NOT NEW.submitted_at
  OR OLD.handling_unit_id IS NOT NEW.handling_unit_id
  OR OLD.category_id IS NOT NEW.category_id
  OR OLD.decided_at IS NOT NEW.decided_at
  OR OLD.is_decided_on_time IS NOT NEW.is_decided_on_time
  OR OLD.accepted_at IS NOT NEW.accepted_at
  OR OLD.first_replied_at IS NOT NEW.first_replied_at
  OR OLD.is_first_reply_on_time IS NOT NEW.is_first_reply_on_time
  OR OLD.review_requested_at IS NOT NEW.review_requested_at
  OR OLD.possible_repeat_of_id IS NOT NEW.possible_repeat_of_id
BEGIN
  INSERT INTO `petition_stats_daily` (`day`, `unit_id`, `category_id`, `submitted`, `decided`, `decided_on_time`, `replied_accepted`, `replied_on_time`, `first_replies`, `reviewed_first_replies`, `handling_ms`, `repeats`, `ratings`, `satisfied_ratings`, `first_reply_ratings`)
  SELECT strftime('%Y-%m-%d', (OLD.submitted_at + 28800000) / 1000, 'unixepoch'), OLD.handling_unit_id, OLD.category_id,
    -1,
    -(OLD.decided_at IS NOT NULL),
    -coalesce(OLD.is_decided_on_time, 0),
    -(OLD.first_replied_at IS NOT NULL AND OLD.accepted_at IS NOT NULL),
    -(OLD.first_replied_at IS NOT NULL AND OLD.accepted_at IS NOT NULL AND coalesce(OLD.is_first_reply_on_time, 0)),
    -(OLD.first_replied_at IS NOT NULL),
    -(OLD.first_replied_at IS NOT NULL AND OLD.review_requested_at IS NOT NULL),
    -coalesce(OLD.first_replied_at - OLD.accepted_at, 0),
    -(OLD.possible_repeat_of_id IS NOT NULL),
    -count(*),
    -coalesce(sum(r.level IN ('satisfied', 'basically_satisfied')), 0),
    -coalesce(sum(r.stage = 'reply'), 0)
  FROM `ratings` r WHERE r.subject_kind = 'petition' AND r.subject_id = OLD.id
  ON CONFLICT (`day`, `unit_id`, `category_id`) DO UPDATE SET
      `submitted` = `submitted` + excluded.`submitted`,
      `decided` = `decided` + excluded.`decided`,
      `decided_on_time` = `decided_on_time` + excluded.`decided_on_time`,
      `replied_accepted` = `replied_accepted` + excluded.`replied_accepted`,
      `replied_on_time` = `replied_on_time` + excluded.`replied_on_time`,
      `first_replies` = `first_replies` + excluded.`first_replies`,
      `reviewed_first_replies` = `reviewed_first_replies` + excluded.`reviewed_first_replies`,
      `handling_ms` = `handling_ms` + excluded.`handling_ms`,
      `repeats` = `repeats` + excluded.`repeats`,
      `ratings` = `ratings` + excluded.`ratings`,
      `satisfied_ratings` = `satisfied_ratings` + excluded.`satisfied_ratings`,
      `first_reply_ratings` = `first_reply_ratings` + excluded.`first_reply_ratings`;
  INSERT INTO `petition_stats_daily` (`day`, `unit_id`, `category_id`, `submitted`, `decided`, `decided_on_time`, `replied_accepted`, `replied_on_time`, `first_replies`, `reviewed_first_replies`, `handling_ms`, `repeats`, `ratings`, `satisfied_ratings`, `first_reply_ratings`)
  SELECT strftime('%Y-%m-%d', (NEW.submitted_at + 28800000) / 1000, 'unixepoch'), NEW.handling_unit_id, NEW.category_id,
    1,
    (NEW.decided_at IS NOT NULL),
    coalesce(NEW.is_decided_on_time, 0),
    (NEW.first_replied_at IS NOT NULL AND NEW.accepted_at IS NOT NULL),
    (NEW.first_replied_at IS NOT NULL AND NEW.accepted_at IS NOT NULL AND coalesce(NEW.is_first_reply_on_time, 0)),
    (NEW.first_replied_at IS NOT NULL),
    (NEW.first_replied_at IS NOT NULL AND NEW.review_requested_at IS NOT NULL),
    coalesce(NEW.first_replied_at - NEW.accepted_at, 0),
    (NEW.possible_repeat_of_id IS NOT NULL),
    count(*),
    coalesce(sum(r.level IN ('satisfied', 'basically_satisfied')), 0),
    coalesce(sum(r.stage = 'reply'), 0)
  FROM `ratings` r WHERE r.subject_kind = 'petition' AND r.subject_id = NEW.id
  ON CONFLICT (`day`, `unit_id`, `category_id`) DO UPDATE SET
      `submitted` = `submitted` + excluded.`submitted`,
      `decided` = `decided` + excluded.`decided`,
      `decided_on_time` = `decided_on_time` + excluded.`decided_on_time`,
      `replied_accepted` = `replied_accepted` + excluded.`replied_accepted`,
      `replied_on_time` = `replied_on_time` + excluded.`replied_on_time`,
      `first_replies` = `first_replies` + excluded.`first_replies`,
      `reviewed_first_replies` = `reviewed_first_replies` + excluded.`reviewed_first_replies`,
      `handling_ms` = `handling_ms` + excluded.`handling_ms`,
      `repeats` = `repeats` + excluded.`repeats`,
      `ratings` = `ratings` + excluded.`ratings`,
      `satisfied_ratings` = `satisfied_ratings` + excluded.`satisfied_ratings`,
      `first_reply_ratings` = `first_reply_ratings` + excluded.`first_reply_ratings`;
END;
--> statement-breakpoint
CREATE TRIGGER `petition_stats_after_delete` AFTER DELETE ON `petitions` BEGIN
  INSERT INTO `petition_stats_daily` (`day`, `unit_id`, `category_id`, `submitted`, `decided`, `decided_on_time`, `replied_accepted`, `replied_on_time`, `first_replies`, `reviewed_first_replies`, `handling_ms`, `repeats`, `ratings`, `satisfied_ratings`, `first_reply_ratings`)
  SELECT strftime('%Y-%m-%d', (OLD.submitted_at + 28800000) / 1000, 'unixepoch'), OLD.handling_unit_id, OLD.category_id,
    -1,
    -(OLD.decided_at IS NOT NULL),
    -coalesce(OLD.is_decided_on_time, 0),
    -(OLD.first_replied_at IS NOT NULL AND OLD.accepted_at IS NOT NULL),
    -(OLD.first_replied_at IS NOT NULL AND OLD.accepted_at IS NOT NULL AND coalesce(OLD.is_first_reply_on_time, 0)),
    -(OLD.first_replied_at IS NOT NULL),
    -(OLD.first_replied_at IS NOT NULL AND OLD.review_requested_at IS NOT NULL),
    -coalesce(OLD.first_replied_at - OLD.accepted_at, 0),
    -(OLD.possible_repeat_of_id IS NOT NULL),
    -count(*),
    -coalesce(sum(r.level IN ('satisfied', 'basically_satisfied')), 0),
    -coalesce(sum(r.stage = 'reply'), 0)
  FROM `ratings` r WHERE r.subject_kind = 'petition' AND r.subject_id = OLD.id
  ON CONFLICT (`day`, `unit_id`, `category_id`) DO UPDATE SET
      `submitted` = `submitted` + excluded.`submitted`,
      `decided` = `decided` + excluded.`decided`,
      `decided_on_time` = `decided_on_time` + excluded.`decided_on_time`,
      `replied_accepted` = `replied_accepted` + excluded.`replied_accepted`,
      `replied_on_time` = `replied_on_time` + excluded.`replied_on_time`,
      `first_replies` = `first_replies` + excluded.`first_replies`,
      `reviewed_first_replies` = `reviewed_first_replies` + excluded.`reviewed_first_replies`,
      `handling_ms` = `handling_ms` + excluded.`handling_ms`,
      `repeats` = `repeats` + excluded.`repeats`,
      `ratings` = `ratings` + excluded.`ratings`,
      `satisfied_ratings` = `satisfied_ratings` + excluded.`satisfied_ratings`,
      `first_reply_ratings` = `first_reply_ratings` + excluded.`first_reply_ratings`;
END;
--> statement-breakpoint
CREATE TRIGGER `petition_stats_after_rating_insert` AFTER INSERT ON `ratings` BEGIN
  INSERT INTO `petition_stats_daily` (`day`, `unit_id`, `category_id`, `submitted`, `decided`, `decided_on_time`, `replied_accepted`, `replied_on_time`, `first_replies`, `reviewed_first_replies`, `handling_ms`, `repeats`, `ratings`, `satisfied_ratings`, `first_reply_ratings`)
  SELECT strftime('%Y-%m-%d', (p.submitted_at + 28800000) / 1000, 'unixepoch'), p.handling_unit_id, p.category_id, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, (NEW.level IN ('satisfied', 'basically_satisfied')), (NEW.stage = 'reply')
  FROM `petitions` p WHERE NEW.subject_kind = 'petition' AND p.id = NEW.subject_id
  ON CONFLICT (`day`, `unit_id`, `category_id`) DO UPDATE SET
      `submitted` = `submitted` + excluded.`submitted`,
      `decided` = `decided` + excluded.`decided`,
      `decided_on_time` = `decided_on_time` + excluded.`decided_on_time`,
      `replied_accepted` = `replied_accepted` + excluded.`replied_accepted`,
      `replied_on_time` = `replied_on_time` + excluded.`replied_on_time`,
      `first_replies` = `first_replies` + excluded.`first_replies`,
      `reviewed_first_replies` = `reviewed_first_replies` + excluded.`reviewed_first_replies`,
      `handling_ms` = `handling_ms` + excluded.`handling_ms`,
      `repeats` = `repeats` + excluded.`repeats`,
      `ratings` = `ratings` + excluded.`ratings`,
      `satisfied_ratings` = `satisfied_ratings` + excluded.`satisfied_ratings`,
      `first_reply_ratings` = `first_reply_ratings` + excluded.`first_reply_ratings`;
END;
--> statement-breakpoint
CREATE TRIGGER `petition_stats_after_rating_update` AFTER UPDATE OF subject_kind, subject_id, stage, level ON `ratings`
WHEN OLD.subject_kind IS NOT NEW.subject_kind OR OLD.subject_id IS NOT NEW.subject_id OR OLD.stage IS NOT NEW.stage OR OLD.level IS NOT NEW.level
BEGIN
  INSERT INTO `petition_stats_daily` (`day`, `unit_id`, `category_id`, `submitted`, `decided`, `decided_on_time`, `replied_accepted`, `replied_on_time`, `first_replies`, `reviewed_first_replies`, `handling_ms`, `repeats`, `ratings`, `satisfied_ratings`, `first_reply_ratings`)
  SELECT strftime('%Y-%m-%d', (p.submitted_at + 28800000) / 1000, 'unixepoch'), p.handling_unit_id, p.category_id, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    -1, -(OLD.level IN ('satisfied', 'basically_satisfied')), -(OLD.stage = 'reply')
  FROM `petitions` p WHERE OLD.subject_kind = 'petition' AND p.id = OLD.subject_id
  ON CONFLICT (`day`, `unit_id`, `category_id`) DO UPDATE SET
      `submitted` = `submitted` + excluded.`submitted`,
      `decided` = `decided` + excluded.`decided`,
      `decided_on_time` = `decided_on_time` + excluded.`decided_on_time`,
      `replied_accepted` = `replied_accepted` + excluded.`replied_accepted`,
      `replied_on_time` = `replied_on_time` + excluded.`replied_on_time`,
      `first_replies` = `first_replies` + excluded.`first_replies`,
      `reviewed_first_replies` = `reviewed_first_replies` + excluded.`reviewed_first_replies`,
      `handling_ms` = `handling_ms` + excluded.`handling_ms`,
      `repeats` = `repeats` + excluded.`repeats`,
      `ratings` = `ratings` + excluded.`ratings`,
      `satisfied_ratings` = `satisfied_ratings` + excluded.`satisfied_ratings`,
      `first_reply_ratings` = `first_reply_ratings` + excluded.`first_reply_ratings`;
  INSERT INTO `petition_stats_daily` (`day`, `unit_id`, `category_id`, `submitted`, `decided`, `decided_on_time`, `replied_accepted`, `replied_on_time`, `first_replies`, `reviewed_first_replies`, `handling_ms`, `repeats`, `ratings`, `satisfied_ratings`, `first_reply_ratings`)
  SELECT strftime('%Y-%m-%d', (p.submitted_at + 28800000) / 1000, 'unixepoch'), p.handling_unit_id, p.category_id, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, (NEW.level IN ('satisfied', 'basically_satisfied')), (NEW.stage = 'reply')
  FROM `petitions` p WHERE NEW.subject_kind = 'petition' AND p.id = NEW.subject_id
  ON CONFLICT (`day`, `unit_id`, `category_id`) DO UPDATE SET
      `submitted` = `submitted` + excluded.`submitted`,
      `decided` = `decided` + excluded.`decided`,
      `decided_on_time` = `decided_on_time` + excluded.`decided_on_time`,
      `replied_accepted` = `replied_accepted` + excluded.`replied_accepted`,
      `replied_on_time` = `replied_on_time` + excluded.`replied_on_time`,
      `first_replies` = `first_replies` + excluded.`first_replies`,
      `reviewed_first_replies` = `reviewed_first_replies` + excluded.`reviewed_first_replies`,
      `handling_ms` = `handling_ms` + excluded.`handling_ms`,
      `repeats` = `repeats` + excluded.`repeats`,
      `ratings` = `ratings` + excluded.`ratings`,
      `satisfied_ratings` = `satisfied_ratings` + excluded.`satisfied_ratings`,
      `first_reply_ratings` = `first_reply_ratings` + excluded.`first_reply_ratings`;
END;
--> statement-breakpoint
CREATE TRIGGER `petition_stats_after_rating_delete` AFTER DELETE ON `ratings` BEGIN
  INSERT INTO `petition_stats_daily` (`day`, `unit_id`, `category_id`, `submitted`, `decided`, `decided_on_time`, `replied_accepted`, `replied_on_time`, `first_replies`, `reviewed_first_replies`, `handling_ms`, `repeats`, `ratings`, `satisfied_ratings`, `first_reply_ratings`)
  SELECT strftime('%Y-%m-%d', (p.submitted_at + 28800000) / 1000, 'unixepoch'), p.handling_unit_id, p.category_id, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    -1, -(OLD.level IN ('satisfied', 'basically_satisfied')), -(OLD.stage = 'reply')
  FROM `petitions` p WHERE OLD.subject_kind = 'petition' AND p.id = OLD.subject_id
  ON CONFLICT (`day`, `unit_id`, `category_id`) DO UPDATE SET
      `submitted` = `submitted` + excluded.`submitted`,
      `decided` = `decided` + excluded.`decided`,
      `decided_on_time` = `decided_on_time` + excluded.`decided_on_time`,
      `replied_accepted` = `replied_accepted` + excluded.`replied_accepted`,
      `replied_on_time` = `replied_on_time` + excluded.`replied_on_time`,
      `first_replies` = `first_replies` + excluded.`first_replies`,
      `reviewed_first_replies` = `reviewed_first_replies` + excluded.`reviewed_first_replies`,
      `handling_ms` = `handling_ms` + excluded.`handling_ms`,
      `repeats` = `repeats` + excluded.`repeats`,
      `ratings` = `ratings` + excluded.`ratings`,
      `satisfied_ratings` = `satisfied_ratings` + excluded.`satisfied_ratings`,
      `first_reply_ratings` = `first_reply_ratings` + excluded.`first_reply_ratings`;
END;
