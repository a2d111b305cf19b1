import type { OutgoingRequest } from '../sources/auth.js';

/** What one login produced: the secret to send, and when to log in again before it is used. */
export interface Session {
  secret: string;
  /** Epoch ms after which the session is renewed before use; undefined: reused until refused. */
  renewAt?: number | undefined;
}

/**
 * One login-based credential shared by every caller in the process. At most one login runs at a
 * time: whoever needs a session while one is in flight waits for it. A failed login is not kept, so
 * the next caller tries again.
 */
export class LoginSession {
  #current: Session | undefined;
  #inFlight: Promise<Session> | undefined;
  readonly #login: () => Promise<Session>;
  readonly #now: () => number;

  constructor(login: () => Promise<Session>, now: () => number) {
    this.#login = login;
    this.#now = now;
  }

  /** The session to send now, logging in first when there is none or it is due for renewal. */
  async secret(): Promise<string> {
    const current = this.#current;
    if (current && (current.renewAt === undefined || this.#now() < current.renewAt)) return current.secret;
    return (await this.#loginOnce()).secret;
  }

  /**
   * The upstream refused `failed`. If it is still the current session, drop it and log in again
   * (joining a login already in flight); if a newer one replaced it, there is nothing to do.
   */
  async refresh(failed: string | undefined): Promise<boolean> {
    const current = this.#current;
    if (current && current.secret !== failed) return true;
    this.#current = undefined;
    await this.#loginOnce();
    return true;
  }

  #loginOnce(): Promise<Session> {
    this.#inFlight ??= this.#login()
      .then((session) => {
        this.#current = session;
        return session;
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
    return this.#inFlight;
  }
}

/** A header of the refused request, whatever case the caller wrote its name in. */
export function headerOf(req: OutgoingRequest, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(req.headers)) if (key.toLowerCase() === lower) return value;
  return undefined;
}
