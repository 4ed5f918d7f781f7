// Names for prepared statements on PostgreSQL (@prisma/adapter-pg's
// statementNameGenerator): a statement sent with a name is parsed and planned
// once per connection, then only bound and executed. The services' reads are
// built so that a statement's text depends on the question's shape only
// (src/resources/sql-reads.ts), so a few texts cover the traffic.
//
// PostgreSQL keeps every prepared statement of a connection until it closes,
// so the names are bounded: the first `capacity` distinct texts get one (the
// same name for the same text, in every connection), any later text runs
// unnamed as before. Memory per connection is bounded whatever clients send.
import { createHash } from 'node:crypto';

export const DEFAULT_PREPARED_STATEMENTS = 500;

export function statementNames(capacity = DEFAULT_PREPARED_STATEMENTS): (query: { sql: string }) => string {
  const names = new Map<string, string>();
  return ({ sql }) => {
    let name = names.get(sql);
    if (name === undefined) {
      // pg sends a query without a name (undefined) as an unnamed statement.
      if (names.size >= capacity) return undefined as unknown as string;
      name = `q_${createHash('sha256').update(sql).digest('base64url').slice(0, 24)}`;
      names.set(sql, name);
    }
    return name;
  };
}

/** The one generator of this process (the app's pool and the replicas' share names: same text, same name). */
export const statementName = statementNames();
