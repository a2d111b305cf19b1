import { GraphQLError } from 'graphql';

export const DEFAULT_FIRST = 50;
export const MAX_FIRST = 1000;

export function badInput(argument: string, problem: string): GraphQLError {
  return new GraphQLError(`Argument "${argument}" ${problem}`, {
    extensions: { code: 'BAD_USER_INPUT', argument },
  });
}

// Nova, Neutron and HSS ids are UUIDs, ZStack's are 32 hex; a few real ids carry other letters.
// Nothing an id can hold needs `/`, `?`, `#`, `%` or `.`, so none of them ever reaches a path.
const ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** Whether a value can be an upstream id (the same rule as `checkId`, without throwing). */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

export function checkId(value: string, argument = 'id'): string {
  if (!ID_PATTERN.test(value)) {
    throw badInput(argument, 'must be 1–128 letters, digits, "-" or "_"');
  }
  return value;
}

export function checkPort(value: number | null | undefined, argument = 'port'): number | undefined {
  if (value == null) return undefined;
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw badInput(argument, `must be a port number from 1 to 65535; got ${value}`);
  }
  return value;
}

export function checkFirst(value: number | null | undefined): number {
  if (value == null) return DEFAULT_FIRST;
  if (!Number.isInteger(value) || value < 1 || value > MAX_FIRST) {
    throw badInput('first', `must be from 1 to ${MAX_FIRST}; got ${value}`);
  }
  return value;
}

/** An IP address filter goes into a query string, so only what an address can hold is allowed. */
export function checkIpAddress(value: string, argument: string): string {
  if (!/^[0-9A-Fa-f.:]{2,45}$/.test(value)) throw badInput(argument, 'must be an IPv4 or IPv6 address');
  return value;
}

/** HSS `port_string` is a fuzzy match on the port's digits. */
export function checkPortString(value: string | null | undefined, argument = 'filter.portString'): string | undefined {
  if (value == null) return undefined;
  if (!/^\d{1,5}$/.test(value)) throw badInput(argument, 'must be 1–5 digits');
  return value;
}
