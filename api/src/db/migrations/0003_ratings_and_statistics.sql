CREATE TABLE `ratings` (
	`id` text PRIMARY KEY NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`stage` text NOT NULL,
	`citizen_id` text NOT NULL,
	`level` text NOT NULL,
	`comment` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`citizen_id`) REFERENCES `citizens`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ratings_once_per_stage` ON `ratings` (`subject_kind`,`subject_id`,`stage`);--> statement-breakpoint
ALTER TABLE `petitions` ADD `decided_at` integer;--> statement-breakpoint
ALTER TABLE `petitions` ADD `is_decided_on_time` integer;--> statement-breakpoint
ALTER TABLE `petitions` ADD `first_replied_at` integer;--> statement-breakpoint
ALTER TABLE `petitions` ADD `is_first_reply_on_time` integer;--> statement-breakpoint
ALTER TABLE `petitions` ADD `review_requested_at` integer;--> statement-breakpoint
ALTER TABLE `petitions` ADD `repeat_kind` text;--> statement-breakpoint
CREATE INDEX `petitions_submitted_idx` ON `petitions` (`submitted_at`);