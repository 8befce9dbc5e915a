CREATE TABLE `categories` (
	`id` text PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`description` text NOT NULL,
	`default_unit_id` text,
	`sort_order` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`default_unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `categories_code_unique` ON `categories` (`code`);--> statement-breakpoint
CREATE TABLE `leaders` (
	`id` text PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`title` text NOT NULL,
	`unit_id` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `leaders_code_unique` ON `leaders` (`code`);--> statement-breakpoint
CREATE TABLE `reception_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`seed_key` text,
	`leader_id` text NOT NULL,
	`unit_id` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`mode` text NOT NULL,
	`place` text,
	`topics` text DEFAULT '[]' NOT NULL,
	`status` text NOT NULL,
	`booking_opens_at` integer NOT NULL,
	`booking_closes_at` integer NOT NULL,
	`requires_confirmation` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`leader_id`) REFERENCES `leaders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "reception_sessions_time_order" CHECK("reception_sessions"."ends_at" > "reception_sessions"."starts_at")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reception_sessions_seed_key_unique` ON `reception_sessions` (`seed_key`);--> statement-breakpoint
CREATE INDEX `reception_sessions_status_starts_idx` ON `reception_sessions` (`status`,`starts_at`,`id`);--> statement-breakpoint
CREATE TABLE `reception_slots` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`capacity` integer NOT NULL,
	`booked` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `reception_sessions`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "reception_slots_seats" CHECK("reception_slots"."booked" >= 0 AND "reception_slots"."booked" <= "reception_slots"."capacity"),
	CONSTRAINT "reception_slots_capacity" CHECK("reception_slots"."capacity" >= 1)
);
--> statement-breakpoint
CREATE INDEX `reception_slots_session_idx` ON `reception_slots` (`session_id`,`starts_at`);--> statement-breakpoint
CREATE TABLE `staff_accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text NOT NULL,
	`unit_id` text NOT NULL,
	`password_hash` text NOT NULL,
	`is_active` integer DEFAULT true NOT NULL,
	`is_demo` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_accounts_username_unique` ON `staff_accounts` (`username`);--> statement-breakpoint
CREATE TABLE `units` (
	`id` text PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`short_name` text NOT NULL,
	`kind` text NOT NULL,
	`parent_id` text,
	`sort_order` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `units_code_unique` ON `units` (`code`);