import { buildUrl } from './http.js';
import type { CallScope, Http } from './http.js';
import type { ZstackVipUsedPorts } from './records.js';
import { ShapeError, array, decodeBody, each, object, optionalFields, optionals, wrongType, type Path } from './shape.js';

export interface ZstackClientOptions {
  /** `ZSTACK_URL`; the documented paths `/zstack/v1/…` are appended. */
  baseUrl: string;
  http: Http;
}

export type ZstackProtocol = 'TCP' | 'UDP';

export class ZstackClient {
  readonly #baseUrl: string;
  readonly #http: Http;

  constructor(options: ZstackClientOptions) {
    this.#baseUrl = new URL(options.baseUrl).href;
    this.#http = options.http;
  }

  /** `GET vips/{uuid}/usedports?protocol=`: every used port as its own string, as ZStack lists them. */
  async getVipUsedPorts(
    scope: CallScope,
    uuid: string,
    protocol: ZstackProtocol,
  ): Promise<ZstackVipUsedPorts> {
    // ZStack's validator is case-sensitive despite its docs' `tcp`/`udp`.
    if (protocol !== 'TCP' && protocol !== 'UDP') throw new RangeError(`protocol must be TCP or UDP, got ${String(protocol)}`);
    const url = buildUrl(this.#baseUrl, '/zstack/v1/vips/{uuid}/usedports', { uuid }, { protocol });
    const { status, json } = await this.#http.getJson('zstack', { url, scope });
    return decodeBody('zstack', status, json, vipUsedPorts);
  }
}

// The published doc spells it `protcol`; the real key is `protocol`. Accept either.
const INVENTORY_OPTIONALS = optionalFields(['uuid', 'protocol', 'protcol']);

function vipUsedPorts(json: unknown): ZstackVipUsedPorts {
  const inventories = array(object(json, 'body').inventories, 'inventories');
  if (inventories.length !== 1) {
    throw new ShapeError(`inventories has ${inventories.length} elements, expected exactly one`);
  }
  const inventory = optionals(object(inventories[0], 'inventories[0]'), 'inventories[0]', INVENTORY_OPTIONALS);
  const usedPorts = each(inventory.usedPorts, 'inventories[0].usedPorts', portString);
  const protocol = inventory.protocol ?? inventory.protcol;
  return { ...inventory, ...(protocol === undefined ? {} : { protocol }), usedPorts } as ZstackVipUsedPorts;
}

function portString(value: unknown, path: Path): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  throw wrongType(path, 'a string or an integer', value);
}
