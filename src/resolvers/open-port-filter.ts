import type { HssOpenPort } from '../sources/records.js';
import { checkPort } from '../rules/arguments.js';
import { toProtocol } from '../rules/risk.js';

export interface OpenPortArgs {
  protocol?: 'TCP' | 'UDP' | null;
  port?: number | null;
}

/** The `protocol` and `port` arguments of the open-port fields, applied to HSS records. */
export function filterOpenPorts<T extends HssOpenPort>(ports: readonly T[], args: OpenPortArgs): T[] {
  const port = checkPort(args.port);
  return ports.filter((p) => {
    const protocol = toProtocol(p.type)?.protocol;
    return protocol !== undefined && (args.protocol == null || protocol === args.protocol) && (port === undefined || p.port === port);
  });
}
