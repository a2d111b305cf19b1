// Upstream record types, keyed by endpoint. Every field that the documents and SDKs disagree on is
// optional; the source validates the fields it relies on before handing a record out.

/** One fixed IP of a Nova interface or a ports-API port. */
export interface UpstreamFixedIp {
  ip_address: string;
  subnet_id: string;
}

/** Nova `GET /v2.1/{project}/servers/{server_id}/os-interface`: one `interfaceAttachments[]` item. */
export interface NovaInterfaceAttachment {
  port_id: string;
  mac_addr?: string;
  net_id?: string;
  port_state?: string;
  /** The schema allows null. */
  fixed_ips?: UpstreamFixedIp[] | null;
  tag?: string | null;
}

/** Nova `GET /v2.1/{project}/servers/detail` item and `GET /v2.1/{project}/servers/{id}` `server`. */
export interface NovaServer {
  id: string;
  /** Absent on partial records (microversion ≥ 2.69, unreachable cell). */
  name?: string;
  status?: string;
  tenant_id?: string;
  created?: string;
  updated?: string;
}

/** Nova `servers/detail` page. `next` is the marker from `servers_links` rel=next, if any. */
export interface NovaServerPage {
  servers: NovaServer[];
  nextMarker: string | undefined;
}

/** Huawei ports API `GET /v2/{project}/ports`: one `ports[]` item (NeutronPort). */
export interface VpcPort {
  id: string;
  status?: string;
  network_id?: string;
  device_id?: string;
  fixed_ips?: UpstreamFixedIp[];
}

/** Query of `GET /v2/{project}/ports`. `limit` 1–2000. */
export interface VpcPortQuery {
  marker?: string;
  limit?: number;
  ip_address?: string;
  subnet_id?: string;
  is_used?: boolean;
}

/** HSS `GET /v5/{project}/asset/ports`: one `data_list[]` item (PortResponseInfo). */
export interface HssOpenPort {
  host_id?: string;
  laddr?: string;
  status?: string;
  port: number;
  type: string;
  pid?: number;
  path?: string;
  agent_id?: string;
  container_id?: string;
}

/** HSS `GET /v5/{project}/asset/port/statistics`: one `data_list[]` item. */
export interface HssPortStatistic {
  port: number;
  type: string;
  num: number;
  status?: string;
}

/** An HSS offset page. */
export interface HssPage<T> {
  total_num: number;
  data_list: T[];
}

/** Query of `GET /v5/{project}/asset/port/statistics`. `limit` 10–200, `offset` 0–2,000,000. */
export interface HssStatisticsQuery {
  port?: number;
  port_string?: string;
  type?: string;
  category?: string;
  enterprise_project_id?: string;
  sort_key?: string;
  sort_dir?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

/** ZStack `GET /zstack/v1/vips/{uuid}/usedports?protocol=`: the one `inventories[]` item. */
export interface ZstackVipUsedPorts {
  uuid?: string;
  protocol?: string;
  /** One string per used port, unsorted, possibly repeated. */
  usedPorts: string[];
}
