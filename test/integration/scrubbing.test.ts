// Upstream error text reaches clients, and logs, only after every configured secret and the
// caller's own token are taken out of it: an upstream may echo whatever it was sent.
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_AKSK, DEMO_USER, DEMO_ZSTACK_ACCOUNT } from '../../src/simulator/index.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const CALLER_TOKEN = 'caller-token-7d1e5b9a44c2';
const CONFIGURED = [DEMO_USER.password, DEMO_AKSK.ak, DEMO_AKSK.sk, DEMO_ZSTACK_ACCOUNT.password];

/** An HSS error body that quotes secrets back, raw and percent-encoded. */
function echoing(secrets: string[]): string {
  const said = secrets.map((s) => `${s} ${encodeURIComponent(s)}`).join(' / ');
  return JSON.stringify({ error_code: 'HSS.0004', error_msg: `Invalid request: ${said}` });
}

describe('upstream error text', () => {
  it('reaches the client without a configured secret or the caller token in it', async () => {
    stack = await startStack({
      simulator: { osTokens: [CALLER_TOKEN], zstackSessions: [] },
      portgraph: (sim) => ({
        osToken: undefined,
        zstackSessionId: undefined,
        passwordLogin: { authUrl: `${sim.url}/v3`, username: DEMO_USER.name, password: DEMO_USER.password, userDomainName: DEMO_USER.domain },
        akSk: { ...DEMO_AKSK },
        zstackAccount: { ...DEMO_ZSTACK_ACCOUNT },
      }),
    });
    const id = stack.sim.fleet.special.multiInterfaceServerId;
    const query = `query ($id: ID!) { server(id: $id) { id openPorts { port } } }`;
    for (const [headers, secrets] of [
      [{}, CONFIGURED],
      [{ 'X-Auth-Token': CALLER_TOKEN }, [...CONFIGURED, CALLER_TOKEN]],
    ] as const) {
      stack.sim.inject('hss.ports', { status: 400, body: echoing([...secrets]), times: 1 });
      const { body } = await stack.query(query, { id }, headers);
      expect(body.errors?.[0]).toMatchObject({ path: ['server', 'openPorts'], extensions: { code: 'BAD_REQUEST', source: 'hss' } });
      expect(body.errors?.[0]?.message).toContain('Invalid request: <redacted>');
      const answer = JSON.stringify(body);
      for (const secret of secrets) {
        expect(answer).not.toContain(secret);
        expect(answer).not.toContain(encodeURIComponent(secret));
      }
    }
    const logs = stack.logs.join('\n');
    for (const secret of [...CONFIGURED, CALLER_TOKEN]) expect(logs).not.toContain(secret);
  });
});
