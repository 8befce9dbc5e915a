-- Entries written so far keep their plain SHA-256 links (mac_version 0); every entry from now on is linked by an
-- HMAC under the audit key, which the database never holds. At startup a keyed entry is appended after the last
-- legacy one (db/keyed-upgrades.ts), which seals them: editing one breaks the link into it.
-- docs/decisions/014-audit-chain-anchoring.md.
ALTER TABLE `audit_log` ADD `mac_version` integer DEFAULT 0 NOT NULL;