import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging.js';

describe('logs', () => {
  it('redact credentials that reach a log line by mistake', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    logger.info(
      {
        headers: { authorization: 'SDK-HMAC-SHA256 Access=AK, Signature=abc', 'x-auth-token': 'tok-123' },
        login: { password: 'hunter2', token: 'tok-456' },
        key: { sk: 'secret-key' },
      },
      'request',
    );
    const text = lines.join('');
    for (const secret of ['Signature=abc', 'tok-123', 'hunter2', 'tok-456', 'secret-key']) expect(text).not.toContain(secret);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ msg: 'request', headers: { authorization: '[redacted]' } });
  });

  it('log an error by its type and code, without its message or stack', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    const error = Object.assign(new Error('failed with token tok-789 at /srv/app/x.ts:1'), { code: 'E_X' });
    logger.error({ err: error }, 'boom');
    expect(JSON.parse(lines[0] ?? '{}').err).toEqual({ type: 'Error', code: 'E_X' });
    expect(lines.join('')).not.toMatch(/tok-789|x\.ts/);
  });
});
