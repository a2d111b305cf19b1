/** A query that costs one Nova call when it runs, so the call log tells whether it ran. */
export const ONE_CALL_QUERY = '{ servers(first: 1) { nodes { id } } }';

export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  json(): { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[]; extensions?: Record<string, unknown> };
}

/** One fetch, read whole: status, headers and body. */
export async function send(url: string, init: RequestInit = {}): Promise<RawAnswer> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

export const jsonPost = (query: string, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
  body: JSON.stringify({ query }),
});
