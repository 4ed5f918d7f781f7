// Counts the SQL statements a server sends to PostgreSQL: a TCP proxy between
// the server and PostgreSQL that reads the frontend messages of the wire
// protocol (https://www.postgresql.org/docs/15/protocol-message-formats.html)
// and counts each simple Query ('Q') and each extended-protocol Execute ('E')
// as one statement, and each Parse ('P') as one parse (a driver that reuses
// prepared statements executes without parsing again). Needs nothing from
// PostgreSQL's configuration (pg_stat_statements is not preloaded here), and
// sees every statement, whatever library sent it.
//
//   const counter = await startStatementCounter(databaseUrl);
//   // start a server with DATABASE_URL = counter.url, then:
//   const before = counter.counts(); ...requests...; const after = counter.counts();
//   await counter.close();
//
// A simple Query may hold several statements separated by semicolons; it
// counts as one here (one round trip). Only for counting: the proxy costs
// CPU, so throughput is measured on servers connected directly.
import { createServer, connect } from 'node:net';

const UNTYPED_CODES = new Set([80877103 /* SSLRequest */, 80877104 /* GSSENCRequest */]);

/** A parser of the client→server byte stream: calls count(type) for each message. */
function frontendParser(count) {
  let startup = true; // the first messages carry no type byte
  const header = Buffer.alloc(8);
  let have = 0; // header bytes gathered
  let skip = 0; // body bytes still to pass over
  return (chunk) => {
    let i = 0;
    while (i < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - i);
        skip -= n;
        i += n;
        continue;
      }
      const headerSize = startup ? 8 : 5;
      const n = Math.min(headerSize - have, chunk.length - i);
      chunk.copy(header, have, i, i + n);
      have += n;
      i += n;
      if (have < headerSize) break;
      have = 0;
      if (startup) {
        const length = header.readInt32BE(0);
        const code = header.readInt32BE(4);
        if (!UNTYPED_CODES.has(code)) startup = false; // StartupMessage (or CancelRequest, which ends the connection)
        skip = length - 8;
      } else {
        count(String.fromCharCode(header[0]));
        skip = header.readInt32BE(1) - 4;
      }
    }
  };
}

export async function startStatementCounter(databaseUrl) {
  const upstream = new URL(databaseUrl);
  const host = upstream.hostname || '127.0.0.1';
  const port = Number(upstream.port || 5432);
  const totals = { statements: 0, parses: 0, connections: 0 };
  const sockets = new Set();
  const server = createServer((client) => {
    totals.connections++;
    const pgSocket = connect(port, host);
    sockets.add(client).add(pgSocket);
    const parse = frontendParser((type) => {
      if (type === 'Q' || type === 'E') totals.statements++;
      else if (type === 'P') totals.parses++;
    });
    client.on('data', (chunk) => {
      parse(chunk);
      if (!pgSocket.write(chunk)) client.pause();
    });
    pgSocket.on('drain', () => client.resume());
    pgSocket.pipe(client);
    const end = () => {
      client.destroy();
      pgSocket.destroy();
      sockets.delete(client);
      sockets.delete(pgSocket);
    };
    client.on('close', end).on('error', end);
    pgSocket.on('close', end).on('error', end);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(server.address().port);
  return {
    url: url.toString(),
    counts: () => ({ ...totals }),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
