import type { OpenPortParent } from '../model.js';
import type { CallScope } from '../sources/http.js';
import { HSS_MAX_LIMIT, HSS_MIN_LIMIT, type HssClient } from '../sources/hss.js';
import type { HssPage, HssPortStatistic, HssStatisticsQuery } from '../sources/records.js';
import { shapeOpenPorts } from './parents.js';
import { configured, perKeyLoader, queryKey } from './settle.js';

/** A window of statistics rows: `first` rows from `offset`, with the filter. */
export interface StatisticsKey {
  filter: Omit<HssStatisticsQuery, 'offset' | 'limit'>;
  offset: number;
  first: number;
}

export function openPortLoaders(client: HssClient | undefined, scope: CallScope) {
  const hss = () => configured(client, 'hss');

  // HSS pages hold 10–200 rows: read the first page, then, once total_num is known, every other
  // page the window needs in parallel.
  async function statisticsWindow({ filter, offset, first }: StatisticsKey): Promise<HssPage<HssPortStatistic>> {
    const pageLimit = (start: number) => Math.max(HSS_MIN_LIMIT, Math.min(HSS_MAX_LIMIT, offset + first - start));
    const head = await hss().listPortStatistics(scope, { ...filter, offset, limit: pageLimit(offset) });
    const end = Math.min(offset + first, head.total_num);
    const starts: number[] = [];
    for (let start = offset + HSS_MAX_LIMIT; start < end; start += HSS_MAX_LIMIT) starts.push(start);
    const rest = await Promise.all(
      starts.map((start) => hss().listPortStatistics(scope, { ...filter, offset: start, limit: pageLimit(start) })),
    );
    const rows = [head, ...rest].flatMap((page) => page.data_list).slice(0, first);
    return { total_num: head.total_num, data_list: rows };
  }

  return {
    /** Every open port HSS sees on a host (all pages), with the id of the server it was fetched for. */
    openPorts: perKeyLoader<string, OpenPortParent[]>((hostId) =>
      hss()
        .listAllOpenPorts(scope, hostId)
        .then((records) => shapeOpenPorts(records, hostId)),
    ),
    statistics: perKeyLoader<StatisticsKey, HssPage<HssPortStatistic>, string>(statisticsWindow, {
      cacheKeyFn: (k) => queryKey({ ...k.filter, offset: k.offset, first: k.first }),
    }),
  };
}
