import { createHash } from 'node:crypto';

/** The request an authenticator may add headers to (or sign). */
export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/**
 * A credential for one upstream. Built once per caller (static token, pass-through token, session)
 * and handed to every source call, so nothing fetched with one credential is served to another.
 */
export interface Authenticator {
  /** Stable, non-secret identity of the credential (a hash), used in cache and dedup keys. */
  readonly id: string;
  /** Adds auth headers to the outgoing request (or signs it), logging in first if it must. */
  authorize(req: OutgoingRequest): Promise<void>;
  /**
   * The upstream refused the credential `failed` carried (a 401, ZStack `ID.1001`). A login-based
   * credential logs in again, once for all concurrent callers, unless a newer credential already
   * replaced the refused one; it resolves true when one retry with a fresh credential may succeed.
   * Static and pass-through credentials have no `refresh`.
   */
  refresh?(failed: OutgoingRequest): Promise<boolean>;
}

/** An authenticator that sends a fixed header. */
export function headerAuth(id: string, name: string, value: string): Authenticator {
  return {
    id,
    authorize: (req) => {
      req.headers[name] = value;
      return Promise.resolve();
    },
  };
}

/** A stable, non-secret id for a secret: enough to key caches, useless to an attacker. */
export function credentialId(kind: string, secret: string): string {
  return `${kind}:${createHash('sha256').update(secret).digest('hex').slice(0, 16)}`;
}
