DROP TABLE `staff_login_throttle`;--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_staff_notices` (
	`id` text PRIMARY KEY NOT NULL,
	`role` text NOT NULL,
	`unit_id` text,
	`petition_id` text,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`text` text NOT NULL,
	FOREIGN KEY (`petition_id`) REFERENCES `petitions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_staff_notices`("id", "role", "unit_id", "petition_id", "at", "kind", "text") SELECT "id", "role", "unit_id", "petition_id", "at", "kind", "text" FROM `staff_notices`;--> statement-breakpoint
DROP TABLE `staff_notices`;--> statement-breakpoint
ALTER TABLE `__new_staff_notices` RENAME TO `staff_notices`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `staff_notices_role_idx` ON `staff_notices` (`role`,`at`);--> statement-breakpoint
ALTER TABLE `refresh_tokens` ADD `revoked_at` integer;--> statement-breakpoint
CREATE INDEX `refresh_tokens_revoked_idx` ON `refresh_tokens` (`revoked_at`) WHERE "refresh_tokens"."revoked_at" IS NOT NULL;