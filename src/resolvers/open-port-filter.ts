import type { OpenPortParent } from '../model.js';
import { checkPort } from '../rules/arguments.js';

export interface OpenPortArgs {
  protocol?: 'TCP' | 'UDP' | null;
  port?: number | null;
}

/** The `protocol` and `port` arguments of the open-port fields; without them, the ports as they are. */
export function filterOpenPorts(ports: OpenPortParent[], args: OpenPortArgs): OpenPortParent[] {
  const port = checkPort(args.port);
  const protocol = args.protocol ?? undefined;
  if (port === undefined && protocol === undefined) return ports;
  return ports.filter((p) => (protocol === undefined || p.protocol === protocol) && (port === undefined || p.port === port));
}
