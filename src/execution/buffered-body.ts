import type { Plugin } from 'graphql-yoga';

/**
 * Yoga gives its Response the serialised answer as a string. Node then copies that string twice:
 * once to measure it for Content-Length (JSON.stringify builds a large string in pieces, and
 * measuring joins them), and once more when it writes it behind the headers. A fleet walk's answer
 * is about 300 KB, so that is twice its size in heap per request. Encoding the string into a Buffer
 * once gives Node the length and the bytes it writes, without either copy.
 */
export function useBufferedBodies(): Plugin {
  return {
    onYogaInit({ yoga }) {
      const Base = yoga.fetchAPI.Response;
      yoga.fetchAPI.Response = class BufferedResponse extends Base {
        constructor(body?: BodyInit | null, init?: ResponseInit) {
          super(typeof body === 'string' ? Buffer.from(body) : body, init);
        }
      };
    },
  };
}
