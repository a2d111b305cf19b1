import { DEMO_OS_TOKEN, DEMO_PROJECT_ID, DEMO_ZSTACK_SESSION } from './fleet.js';

/**
 * portgraph's upstream settings for a simulated cloud at `url`: all four sources there, with the
 * static demo credentials and no login or signing. Demo mode, the tests and the bench start here.
 */
export function simulatedCloudSettings(url: string, projectId: string = DEMO_PROJECT_ID) {
  return {
    novaUrl: url,
    vpcUrl: url,
    hssUrl: url,
    zstackUrl: url,
    projectId,
    osToken: DEMO_OS_TOKEN,
    zstackSessionId: DEMO_ZSTACK_SESSION,
    passwordLogin: undefined,
    akSk: undefined,
    zstackAccount: undefined,
  };
}
