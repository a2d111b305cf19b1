import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

/**
 * Structured logs. Nothing secret is logged on purpose; redaction is the second line, for a header
 * or credential object that reaches a log line by mistake.
 */
export const REDACTED_PATHS = [
  'headers.authorization',
  'headers["x-auth-token"]',
  'headers["x-subject-token"]',
  'headers["x-security-token"]',
  '*.headers.authorization',
  '*.headers["x-auth-token"]',
  '*.headers["x-subject-token"]',
  'password',
  '*.password',
  'token',
  '*.token',
  'sk',
  '*.sk',
  'secret',
  '*.secret',
];

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'portgraph' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // An error's stack names internal files and its message may quote an upstream; log name and code only.
      serializers: { err: (e: unknown) => (e instanceof Error ? { type: e.name, code: (e as { code?: unknown }).code } : e) },
    },
    destination,
  );
}
