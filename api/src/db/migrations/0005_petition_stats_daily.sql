CREATE TABLE `petition_stats_daily` (
	`day` text NOT NULL,
	`unit_id` text NOT NULL,
	`category_id` text NOT NULL,
	`submitted` integer DEFAULT 0 NOT NULL,
	`decided` integer DEFAULT 0 NOT NULL,
	`decided_on_time` integer DEFAULT 0 NOT NULL,
	`replied_accepted` integer DEFAULT 0 NOT NULL,
	`replied_on_time` integer DEFAULT 0 NOT NULL,
	`first_replies` integer DEFAULT 0 NOT NULL,
	`reviewed_first_replies` integer DEFAULT 0 NOT NULL,
	`handling_ms` integer DEFAULT 0 NOT NULL,
	`repeats` integer DEFAULT 0 NOT NULL,
	`ratings` integer DEFAULT 0 NOT NULL,
	`satisfied_ratings` integer DEFAULT 0 NOT NULL,
	`first_reply_ratings` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `unit_id`, `category_id`)
);
--> statement-breakpoint
CREATE INDEX `petitions_first_reply_idx` ON `petitions` (`first_replied_at`,`review_requested_at`,`submitted_at`,`handling_unit_id`,`category_id`);