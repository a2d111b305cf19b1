// The upstream calls a GraphQL operation will make, estimated from its arguments before it runs.
// Generic cost rules price fields; these price calls. A call is made per distinct key in a request,
// so the same server reached again (an open port's server, an interface's server) costs nothing
// more, while every listed server costs one call per source its selection needs. Lists whose size
// is unknown until the answers arrive (a server's interfaces and open ports) are priced at their
// first page; what they bring beyond it is counted while the request runs.
import {
  getArgumentValues,
  getNamedType,
  isAbstractType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { SourceName } from '../sources/errors.js';

export interface CallEstimate {
  total: number;
  bySource: Record<SourceName, number>;
}

/** What the estimate assumes where the arguments cannot tell. */
export interface CostAssumptions {
  /** Pages of a whole walk of the ports list (the ports API has no lookup by id). */
  portListPages: number;
  /** Pages of a whole walk of Nova's server list, which answers many lookups by id at once. */
  serverListPages: number;
}

export const DEFAULT_COST_ASSUMPTIONS: CostAssumptions = { portListPages: 2, serverListPages: 2 };

const DEFAULT_FIRST = 50;
const NOVA_PAGE = 1000;
const HSS_PAGE = 200;

/** Entities of one kind reached the same way: each is called for once per source, whatever reaches it again. */
class EntitySet {
  readonly #charged = new Set<string>();

  constructor(
    readonly key: string,
    readonly size: number,
    /** Servers listed by a page or a list walk already have their Nova record. */
    readonly haveRecords: boolean,
    readonly estimate: Estimate,
  ) {}

  /** Charges `calls` to `source` for `what`, once per set. */
  charge(what: string, source: SourceName, calls: number): void {
    if (this.#charged.has(what)) return;
    this.#charged.add(what);
    this.estimate.add(source, calls);
  }
}

class Estimate {
  readonly bySource: Record<SourceName, number> = { nova: 0, vpc: 0, hss: 0, zstack: 0 };
  readonly #sets = new Map<string, EntitySet>();

  add(source: SourceName, calls: number): void {
    this.bySource[source] += calls;
  }

  set(key: string, size: number, haveRecords = false): EntitySet {
    let found = this.#sets.get(key);
    if (found === undefined) this.#sets.set(key, (found = new EntitySet(key, Math.max(0, size), haveRecords, this)));
    return found;
  }
}

/** Where a selection stands: the entities its objects belong to. */
interface Place {
  servers?: EntitySet;
  ports?: EntitySet;
  subnets?: EntitySet;
  vips?: EntitySet;
  /** Fixed IPs of ports, whose device may or may not be a server. */
  viaPort?: boolean;
}

type Args = Record<string, unknown>;
type Rule = (args: Args, place: Place, estimate: Estimate, assume: CostAssumptions) => Place | ((typeName: string) => Place | undefined) | undefined;

const firstOf = (args: Args) => (typeof args['first'] === 'number' ? args['first'] : DEFAULT_FIRST);
const keyOf = (args: Args) => JSON.stringify(args);
/**
 * Up to this many servers are looked up one call each, all at once, even where a walk of the
 * whole list would take fewer calls: a walk reads its pages one after another.
 */
export const PARALLEL_LOOKUPS = 10;

/** Whether `count` servers are found by one walk of a list of `listPages` pages rather than one call each. */
export function lookupsByWalk(count: number, listPages: number): boolean {
  return count > Math.max(PARALLEL_LOOKUPS, listPages);
}

const lookups = (count: number, listPages: number) => (lookupsByWalk(count, listPages) ? listPages : count);

function devices(place: Place, estimate: Estimate, assume: CostAssumptions): EntitySet | undefined {
  const { ports } = place;
  if (ports === undefined) return undefined;
  const servers = estimate.set(`devices of ${ports.key}`, ports.size, true);
  servers.charge('record', 'nova', lookups(servers.size, assume.serverListPages));
  return servers;
}

const RULES: Record<string, Rule> = {
  'Query.server': (args, _, estimate) => {
    const servers = estimate.set(`server ${String(args['id'])}`, 1);
    servers.charge('record', 'nova', 1);
    return { servers };
  },
  'Query.servers': (args, _, estimate) => {
    const count = firstOf(args);
    const servers = estimate.set(`servers ${keyOf(args)}`, count, true);
    servers.charge('pages', 'nova', Math.max(1, Math.ceil(count / NOVA_PAGE)));
    return { servers };
  },
  'Query.port': (args, _, estimate, assume) => {
    const ports = estimate.set(`port ${String(args['id'])}`, 1);
    ports.charge('lookup', 'vpc', assume.portListPages);
    return { ports };
  },
  'Query.ports': (args, _, estimate) => {
    const ports = estimate.set(`ports ${keyOf(args)}`, firstOf(args));
    ports.charge('page', 'vpc', 1);
    return { ports };
  },
  'Query.subnet': (args, _, estimate) => ({ subnets: estimate.set(`subnet ${String(args['id'])}`, 1) }),
  'Query.vip': (args, _, estimate) => ({ vips: estimate.set(`vip ${String(args['id'])}`, 1) }),
  'Query.openPortStatistics': (args, _, estimate) => {
    estimate.set(`statistics ${keyOf(args)}`, 1).charge('pages', 'hss', Math.max(1, Math.ceil(firstOf(args) / HSS_PAGE)));
    return {};
  },
  'Query._entities': (args, _, estimate, assume) => {
    const counts = new Map<string, number>();
    const representations = Array.isArray(args['representations']) ? (args['representations'] as unknown[]) : [];
    for (const rep of representations) {
      const typename = (rep as Args | null)?.['__typename'];
      if (typeof typename === 'string') counts.set(typename, (counts.get(typename) ?? 0) + 1);
    }
    return (typeName) => {
      const count = counts.get(typeName) ?? 0;
      if (count === 0) return undefined;
      const entities = estimate.set(`entities ${typeName}`, count);
      if (typeName === 'Server') {
        entities.charge('record', 'nova', lookups(count, assume.serverListPages));
        return { servers: entities };
      }
      if (typeName === 'Port') {
        entities.charge('lookup', 'vpc', assume.portListPages);
        return { ports: entities };
      }
      return typeName === 'Subnet' ? { subnets: entities } : typeName === 'Vip' ? { vips: entities } : {};
    };
  },
  'ServerConnection.nodes': (_, place) => place,
  'ServerConnection.edges': (_, place) => place,
  'ServerEdge.node': (_, place) => place,
  'PortConnection.nodes': (_, place) => place,
  'PortConnection.edges': (_, place) => place,
  'PortEdge.node': (_, place) => place,
  'Server.name': (_, place, __, assume) => serverRecord(place, assume),
  'Server.status': (_, place, __, assume) => serverRecord(place, assume),
  'Server.interfaces': (_, place) => {
    place.servers?.charge('interfaces', 'nova', place.servers.size);
    return { servers: place.servers };
  },
  'Server.openPorts': (_, place) => {
    place.servers?.charge('open ports', 'hss', place.servers.size);
    return { servers: place.servers };
  },
  'Interface.server': (_, place) => ({ servers: place.servers }),
  'Interface.fixedIps': (_, place) => ({ servers: place.servers }),
  'Interface.port': (_, place, estimate, assume) => {
    const { servers } = place;
    if (servers === undefined) return undefined;
    servers.charge('interface ports', 'vpc', assume.portListPages);
    return { ports: estimate.set(`ports of ${servers.key}`, servers.size) };
  },
  'OpenPort.server': (_, place) => ({ servers: place.servers }),
  'FixedIp.openPorts': (_, place, estimate, assume) => {
    const servers = place.viaPort === true ? devices(place, estimate, assume) : place.servers;
    servers?.charge('open ports', 'hss', servers.size);
    return { servers };
  },
  'FixedIp.subnet': (_, place, estimate) => {
    const owners = place.servers ?? place.ports;
    return owners === undefined ? undefined : { subnets: estimate.set(`subnets of ${owners.key}`, owners.size) };
  },
  'Port.server': (_, place, estimate, assume) => ({ servers: devices(place, estimate, assume) }),
  'Port.fixedIps': (_, place) => ({ ports: place.ports, viaPort: true }),
  'Subnet.ports': (args, place, estimate) => {
    const { subnets } = place;
    if (subnets === undefined) return undefined;
    const ports = estimate.set(`ports of ${subnets.key} ${keyOf(args)}`, subnets.size * firstOf(args));
    ports.charge('pages', 'vpc', subnets.size);
    return { ports };
  },
  'Vip.usedPorts': (args, place) => {
    place.vips?.charge(`used ports ${String(args['protocol'])}`, 'zstack', place.vips.size);
    return undefined;
  },
};

function serverRecord(place: Place, assume: CostAssumptions): undefined {
  const { servers } = place;
  if (servers !== undefined && !servers.haveRecords) servers.charge('record', 'nova', lookups(servers.size, assume.serverListPages));
  return undefined;
}

/** The upstream calls `operationName` of `document` makes at the least, with `variables`. */
export function estimateCalls(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Args,
  assume: CostAssumptions = DEFAULT_COST_ASSUMPTIONS,
): CallEstimate {
  const estimate = new Estimate();
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName == null ? operations[0] : operations.find((o) => o.name?.value === operationName);
  const root = operation === undefined ? undefined : schema.getRootType(operation.operation);
  if (operation !== undefined && root != null) {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    walk({ schema, fragments, variables, estimate, assume }, operation.selectionSet, root, {}, new Set());
  }
  const { bySource } = estimate;
  return { total: bySource.nova + bySource.vpc + bySource.hss + bySource.zstack, bySource };
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Args;
  estimate: Estimate;
  assume: CostAssumptions;
}

function walk(w: Walk, set: SelectionSetNode, type: GraphQLObjectType, place: Place, spread: ReadonlySet<string>): void {
  for (const node of set.selections) {
    if (node.kind === Kind.INLINE_FRAGMENT) {
      const condition = node.typeCondition === undefined ? type : w.schema.getType(node.typeCondition.name.value);
      if (condition !== undefined && applies(w.schema, condition, type)) walk(w, node.selectionSet, type, place, spread);
      continue;
    }
    if (node.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = w.fragments.get(node.name.value);
      if (fragment === undefined || spread.has(node.name.value)) continue;
      const condition = w.schema.getType(fragment.typeCondition.name.value);
      if (condition !== undefined && applies(w.schema, condition, type)) {
        walk(w, fragment.selectionSet, type, place, new Set([...spread, node.name.value]));
      }
      continue;
    }
    const field = type.getFields()[node.name.value];
    if (field === undefined) continue;
    let args: Args = {};
    try {
      args = getArgumentValues(field, node, w.variables);
    } catch {
      // Arguments that do not coerce fail the request before it makes any call.
    }
    const inner = RULES[`${type.name}.${field.name}`]?.(args, place, w.estimate, w.assume);
    if (node.selectionSet === undefined || inner === undefined) continue;
    const returned = getNamedType(field.type);
    for (const object of objectTypesOf(w.schema, returned)) {
      const next = typeof inner === 'function' ? inner(object.name) : inner;
      if (next !== undefined) walk(w, node.selectionSet, object, next, spread);
    }
  }
}

function objectTypesOf(schema: GraphQLSchema, type: GraphQLNamedType): readonly GraphQLObjectType[] {
  if (isObjectType(type)) return [type];
  return isAbstractType(type) ? schema.getPossibleTypes(type) : [];
}

function applies(schema: GraphQLSchema, condition: GraphQLNamedType, type: GraphQLObjectType): boolean {
  return condition === type || (isAbstractType(condition) && schema.isSubType(condition, type));
}
