export {
  DEMO_OS_TOKEN,
  DEMO_PROJECT_ID,
  DEMO_ZSTACK_SESSION,
  generateFleet,
  type Fleet,
  type FleetOptions,
  type SimNetwork,
  type SimServer,
  type SimSubnet,
  type SimVip,
} from './fleet.js';
export {
  DEMO_AKSK,
  DEMO_USER,
  DEMO_ZSTACK_ACCOUNT,
  type SimAkSk,
  type SimUser,
  type SimZstackAccount,
} from './identity.js';
export { startSimulator, type Simulator, type SimulatorOptions } from './server.js';
export { ROUTE_NAMES, type CallLogEntry, type Fault, type RouteName, type SimSource } from './types.js';
export { simulatedCloudSettings } from './portgraph-settings.js';
