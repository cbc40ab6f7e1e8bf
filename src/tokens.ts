import { z } from 'zod';

/** One token: 1 to 64 letters, digits, `_` or `-` (a NATS subject token). */
const TOKEN = '[A-Za-z0-9_-]{1,64}';

/**
 * The zod schema of a token: a conductor's name, a JetStream stream's name,
 * one NATS subject token. Written once; the relay, the gateway's
 * `:conductor` segment and the CLI all use it.
 */
export const tokenSchema = z
  .string()
  .regex(new RegExp(`^${TOKEN}$`), { error: 'expected 1-64 letters, digits, "_" or "-"' });

/** The zod schema of a subject prefix: one to eight tokens joined by `.`. */
export const prefixSchema = z.string().regex(new RegExp(`^${TOKEN}(\\.${TOKEN}){0,7}$`), {
  error: 'expected dot-separated tokens of letters, digits, "_" or "-"',
});
