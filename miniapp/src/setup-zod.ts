import { z } from 'zod'

/**
 * Mini-programs forbid `eval` and `new Function` (../shared/PLATFORM-NOTES.md), which zod v4 uses to compile fast
 * object parsers. zod decides this when a schema is *constructed*, so this module must run before any module that
 * defines a schema — app.ts imports it first, before @xinfang/shared is reached.
 */
z.config({ jitless: true })
