DROP INDEX `petitions_queue_idx`;--> statement-breakpoint
CREATE INDEX `petitions_unit_recent_idx` ON `petitions` (`handling_unit_id`,`submitted_at`,`id`);--> statement-breakpoint
CREATE INDEX `petitions_queue_idx` ON `petitions` (`handling_unit_id`,`status`,`submitted_at`,`id`);