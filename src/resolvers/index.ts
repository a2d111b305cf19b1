import type { Resolvers } from '../generated/resolvers-types.js';
import { FixedIp } from './FixedIp.js';
import { Interface } from './Interface.js';
import { OpenPort } from './OpenPort.js';
import { OpenPortStatistic } from './OpenPortStatistic.js';
import { Port } from './Port.js';
import { Query } from './Query.js';
import { Server } from './Server.js';
import { Subnet } from './Subnet.js';
import { Vip } from './Vip.js';

export const resolvers: Resolvers = { Query, Server, Interface, FixedIp, OpenPort, Port, Subnet, Vip, OpenPortStatistic };
