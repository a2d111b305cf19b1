import { GraphQLError } from 'graphql';
import type { RequestLimitsConfig } from '../config.js';
import type { CallEstimate } from '../rules/cost.js';
import type { SourceName } from '../sources/errors.js';
import { Cancellation } from '../sources/cancellation.js';
import type { CallOwner } from '../sources/http.js';

/** Why a request's upstream calls were given up: the reason its cancellation carries. */
export class RequestStopped extends Error {
  constructor(readonly why: 'client gone' | 'too large' | 'answered') {
    super(`the request was stopped: ${why}`);
    this.name = 'RequestStopped';
  }
}

// One of each, shared: every request ends with one, and an Error's stack costs microseconds to take.
const ANSWERED = new RequestStopped('answered');
const CLIENT_GONE = new RequestStopped('client gone');
const TOO_LARGE = new RequestStopped('too large');

export type CallLimits = Pick<RequestLimitsConfig, 'maxUpstreamCalls' | 'maxResponseNodes'>;

/**
 * One GraphQL request's share of the upstreams and of memory, counted while it runs: every attempt
 * sent is charged before it goes, every result node when its field resolves. Passing either limit
 * stops the request: its calls are aborted, its resolvers hand out nothing more, and it is answered
 * with `RESPONSE_TOO_LARGE` instead of what it had gathered. List sizes are only known once the
 * answers arrive (HSS allows 10,000 open ports per server), so no estimate made in advance can
 * take the place of this count.
 */
export class RequestLimits implements CallOwner {
  readonly cancellation = new Cancellation();
  /** The calls the operation was estimated to make before it ran. */
  estimate: CallEstimate | undefined;
  readonly #limits: CallLimits;
  readonly #client: AbortSignal | undefined;
  readonly #onSend: ((source: SourceName) => void) | undefined;
  #calls = 0;
  #nodes = 0;
  #refusal: GraphQLError | undefined;

  constructor(limits: CallLimits, client?: AbortSignal, onSend?: (source: SourceName) => void) {
    this.#limits = limits;
    this.#client = client;
    this.#onSend = onSend;
    if (client?.aborted) this.handleEvent();
    else client?.addEventListener('abort', this, { once: true });
  }

  get nodes(): number {
    return this.#nodes;
  }

  /** The refusal, once the request has passed a limit. */
  get refusal(): GraphQLError | undefined {
    return this.#refusal;
  }

  charge(source: SourceName): boolean {
    if (this.cancellation.reason !== undefined) return false;
    if (this.#calls >= this.#limits.maxUpstreamCalls) {
      this.#stop(`it needed more than ${this.#limits.maxUpstreamCalls} upstream calls (MAX_UPSTREAM_CALLS)`);
      return false;
    }
    this.#calls++;
    this.#onSend?.(source);
    return true;
  }

  /** Counts result nodes about to enter the answer; false once the request has passed a limit. */
  admitNodes(count: number): boolean {
    if (this.#refusal !== undefined) return false;
    this.#nodes += count;
    if (this.#nodes <= this.#limits.maxResponseNodes) return true;
    this.#stop(`its answer would hold more than ${this.#limits.maxResponseNodes} result nodes (MAX_RESPONSE_NODES)`);
    return false;
  }

  /** The request has its answer: calls of it still queued or in flight are no longer wanted. */
  finish(): void {
    this.#abort(ANSWERED);
  }

  /** The client went away. */
  handleEvent(): void {
    this.#abort(CLIENT_GONE);
  }

  #stop(why: string): void {
    if (this.#refusal !== undefined) return;
    this.#refusal = new GraphQLError(`The request was stopped: ${why}. Ask for fewer or smaller lists.`, {
      extensions: {
        code: 'RESPONSE_TOO_LARGE',
        upstreamCalls: this.#calls,
        resultNodes: this.#nodes,
        maxUpstreamCalls: this.#limits.maxUpstreamCalls,
        maxResponseNodes: this.#limits.maxResponseNodes,
      },
    });
    this.#abort(TOO_LARGE);
  }

  #abort(reason: RequestStopped): void {
    this.#client?.removeEventListener('abort', this);
    this.cancellation.cancel(reason);
  }
}
