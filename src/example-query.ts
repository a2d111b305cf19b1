/** What GraphiQL opens with: the walk server → interfaces → fixed IPs → subnet / open ports. */
export const EXAMPLE_QUERY = `# portgraph: one query walks server → interfaces → fixed IPs → subnet / open ports.
query ServerWalk {
  servers(first: 3) {
    nodes {
      id
      name
      status
      interfaces {
        portId
        macAddress
        fixedIps {
          ipAddress
          subnet { id }
          openPorts { port protocol listenAddress risk processPath }
        }
      }
      openPorts(protocol: TCP) { port listenAddress risk }
    }
    pageInfo { hasNextPage endCursor }
  }
  openPortStatistics(first: 5) {
    totalCount
    nodes { port protocol serverCount risk }
  }
}
`;
