// Two floors for portgraph's throughput, in a process of their own: the direct REST client's fleet
// walk answered to HTTP clients as portgraph answers them, with nothing of portgraph's own work.
//   MODE=http     plain node:http: the walk, JSON.stringify, one Buffer, end. What serving the
//                 answer over HTTP costs, on top of the direct client's own work.
//   MODE=graphql  portgraph's GraphQL server layer (Yoga, portgraph's schema, its graphql-jit and
//                 buffered-body plugins) with one resolver that hands back the direct client's
//                 answer: what a GraphQL server costs before any loader or upstream client of its own.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { useBufferedBodies } from '../src/execution/buffered-body.js';
import { useJit } from '../src/execution/jit.js';
import { limitHeapGrowth } from '../src/heap.js';
import { createLogger } from '../src/logging.js';
import { readTypeDefs } from '../src/schema.js';
import { DEMO_OS_TOKEN, DEMO_PROJECT_ID } from '../src/simulator/index.js';
import { listenWithBenchRoutes } from './bench-server.js';
import { createDirectClient } from './direct-client.js';

const client = createDirectClient({ url: process.env['SIM_URL'] ?? '', projectId: DEMO_PROJECT_ID, token: DEMO_OS_TOKEN });

function plainHttp(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  req.once('end', () => {
    client.fleetWalk().then(
      (answer) => {
        const body = Buffer.from(JSON.stringify(answer));
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
        res.end(body);
      },
      () => {
        res.statusCode = 502;
        res.end();
      },
    );
  });
}

function graphqlServer(): (req: IncomingMessage, res: ServerResponse) => void {
  // Every `servers` query gets the direct client's whole fleet, whatever its arguments.
  const resolvers = { Query: { servers: () => client.fleetWalk().then((answer) => answer.data.servers) } };
  const schema = buildSubgraphSchema([{ typeDefs: parse(readTypeDefs()), resolvers }]);
  const yoga = createYoga({ schema, plugins: [useJit(createLogger('silent')), useBufferedBodies()], graphiql: false, logging: false });
  return (req, res) => void yoga(req, res);
}

// The heap settings of `npm start`, as portgraph has them; the bench passes HEAP_FLAGS.
limitHeapGrowth();
listenWithBenchRoutes(process.env['MODE'] === 'graphql' ? graphqlServer() : plainHttp);
