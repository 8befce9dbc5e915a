-- Stored replays written before this migration hold query codes, booking matters and check-in codes in clear,
-- and a plain SHA-256 of the request body. SQL cannot encrypt them, and a query code cannot be rebuilt (it is kept
-- only as a blind index), so they are deleted: a retry with such a key runs as a new request (a petition is then
-- flagged as a likely repeat of the first, a booking answered 409 BOOKING_EXISTS). Connections run with
-- secure_delete (client.ts), so the freed cells are zeroed. docs/decisions/013-idempotency-replays-at-rest.md.
DELETE FROM `idempotency_keys`;--> statement-breakpoint
-- Check-in codes are derived from the booking id under the index key; only their blind index is kept, filled in
-- for existing bookings at startup (db/keyed-upgrades.ts).
DROP INDEX `bookings_check_in_code_unique`;--> statement-breakpoint
ALTER TABLE `bookings` ADD `check_in_code_index` text;--> statement-breakpoint
CREATE UNIQUE INDEX `bookings_check_in_code_index_unique` ON `bookings` (`check_in_code_index`);--> statement-breakpoint
ALTER TABLE `bookings` DROP COLUMN `check_in_code`;--> statement-breakpoint
ALTER TABLE `idempotency_keys` ADD `sealed_fields` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
CREATE INDEX `idempotency_keys_created_idx` ON `idempotency_keys` (`created_at`);