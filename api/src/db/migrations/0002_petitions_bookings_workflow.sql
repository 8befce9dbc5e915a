CREATE TABLE `attachments` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_citizen_id` text NOT NULL,
	`petition_id` text,
	`mime` text NOT NULL,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	`storage_key` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`owner_citizen_id`) REFERENCES `citizens`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`petition_id`) REFERENCES `petitions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `attachments_storage_key_unique` ON `attachments` (`storage_key`);--> statement-breakpoint
CREATE INDEX `attachments_owner_idx` ON `attachments` (`owner_citizen_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `attachments_petition_idx` ON `attachments` (`petition_id`);--> statement-breakpoint
CREATE TABLE `bookings` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`slot_id` text NOT NULL,
	`citizen_id` text NOT NULL,
	`status` text NOT NULL,
	`attendees` integer NOT NULL,
	`matter_enc` text NOT NULL,
	`petition_id` text,
	`check_in_code` text NOT NULL,
	`status_reason` text,
	`checked_in_at` integer,
	`reminded_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `reception_sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`slot_id`) REFERENCES `reception_slots`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`citizen_id`) REFERENCES `citizens`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`petition_id`) REFERENCES `petitions`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "bookings_attendees" CHECK("bookings"."attendees" BETWEEN 1 AND 5)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bookings_check_in_code_unique` ON `bookings` (`check_in_code`);--> statement-breakpoint
CREATE UNIQUE INDEX `bookings_one_active_per_session` ON `bookings` (`session_id`,`citizen_id`) WHERE status IN ('pending', 'confirmed', 'checked_in');--> statement-breakpoint
CREATE INDEX `bookings_citizen_idx` ON `bookings` (`citizen_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `bookings_slot_idx` ON `bookings` (`slot_id`,`status`);--> statement-breakpoint
CREATE INDEX `bookings_session_idx` ON `bookings` (`session_id`,`status`);--> statement-breakpoint
CREATE TABLE `counters` (
	`name` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`scope` text NOT NULL,
	`key` text NOT NULL,
	`operation` text NOT NULL,
	`request_hash` text NOT NULL,
	`response_status` integer NOT NULL,
	`response_body` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`scope`, `operation`, `key`)
);
--> statement-breakpoint
CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`citizen_id` text NOT NULL,
	`at` integer NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`read_at` integer,
	FOREIGN KEY (`citizen_id`) REFERENCES `citizens`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `messages_citizen_idx` ON `messages` (`citizen_id`,`at`,`id`);--> statement-breakpoint
CREATE TABLE `notification_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`message_id` text NOT NULL,
	`citizen_id` text NOT NULL,
	`template` text NOT NULL,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`citizen_id`) REFERENCES `citizens`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notification_outbox_message_id_unique` ON `notification_outbox` (`message_id`);--> statement-breakpoint
CREATE INDEX `notification_outbox_due_idx` ON `notification_outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `petition_events` (
	`id` text PRIMARY KEY NOT NULL,
	`petition_id` text NOT NULL,
	`at` integer NOT NULL,
	`type` text NOT NULL,
	`public_message` text,
	`internal_note` text,
	`actor_kind` text NOT NULL,
	`actor_id` text,
	FOREIGN KEY (`petition_id`) REFERENCES `petitions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `petition_events_petition_idx` ON `petition_events` (`petition_id`,`at`);--> statement-breakpoint
CREATE TABLE `petitions` (
	`id` text PRIMARY KEY NOT NULL,
	`tracking_no` text NOT NULL,
	`query_code_hash` text NOT NULL,
	`citizen_id` text NOT NULL,
	`kind` text NOT NULL,
	`category_id` text NOT NULL,
	`title` text NOT NULL,
	`content_enc` text NOT NULL,
	`address_enc` text,
	`target_unit_id` text,
	`handling_unit_id` text NOT NULL,
	`status` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`submitted_at` integer NOT NULL,
	`decide_by` integer NOT NULL,
	`accepted_at` integer,
	`reply_by` integer,
	`replied_at` integer,
	`closed_at` integer,
	`possible_repeat_of_id` text,
	`deadline_profile` text DEFAULT 'national' NOT NULL,
	`extended_days` integer DEFAULT 0 NOT NULL,
	`external_body` text,
	`overdue_since` integer,
	`last_supervised_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`citizen_id`) REFERENCES `citizens`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`category_id`) REFERENCES `categories`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`target_unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`handling_unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `petitions_tracking_no_unique` ON `petitions` (`tracking_no`);--> statement-breakpoint
CREATE INDEX `petitions_citizen_idx` ON `petitions` (`citizen_id`,`submitted_at`,`id`);--> statement-breakpoint
CREATE INDEX `petitions_queue_idx` ON `petitions` (`handling_unit_id`,`status`,`submitted_at`);--> statement-breakpoint
CREATE INDEX `petitions_status_deadline_idx` ON `petitions` (`status`,`decide_by`);--> statement-breakpoint
CREATE TABLE `staff_notices` (
	`id` text PRIMARY KEY NOT NULL,
	`role` text NOT NULL,
	`unit_id` text,
	`petition_id` text NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`text` text NOT NULL,
	FOREIGN KEY (`petition_id`) REFERENCES `petitions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `staff_notices_role_idx` ON `staff_notices` (`role`,`at`);--> statement-breakpoint
CREATE TABLE `subscription_credits` (
	`citizen_id` text NOT NULL,
	`template_id` text NOT NULL,
	`credits` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`citizen_id`, `template_id`),
	FOREIGN KEY (`citizen_id`) REFERENCES `citizens`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "subscription_credits_non_negative" CHECK("subscription_credits"."credits" >= 0)
);
--> statement-breakpoint
CREATE TABLE `waitlist_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`slot_id` text NOT NULL,
	`citizen_id` text NOT NULL,
	`attendees` integer NOT NULL,
	`matter_enc` text NOT NULL,
	`petition_id` text,
	`status` text NOT NULL,
	`booking_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `reception_sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`slot_id`) REFERENCES `reception_slots`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`citizen_id`) REFERENCES `citizens`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`petition_id`) REFERENCES `petitions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "waitlist_attendees" CHECK("waitlist_entries"."attendees" BETWEEN 1 AND 5)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `waitlist_one_per_session` ON `waitlist_entries` (`session_id`,`citizen_id`) WHERE status = 'waiting';--> statement-breakpoint
CREATE INDEX `waitlist_slot_queue_idx` ON `waitlist_entries` (`slot_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `waitlist_citizen_idx` ON `waitlist_entries` (`citizen_id`,`created_at`);