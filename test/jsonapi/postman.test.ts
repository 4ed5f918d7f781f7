// The served Postman collection runs as is: newman (Postman's runner) runs
// /v1/postman.json against the real server with the built-in authorization
// server, from an empty variable set, and every assertion passes. CI runs the
// same with the newman CLI (.ci/run).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import newman, { type NewmanRunSummary } from 'newman';
import { resourceList } from '../../src/resources/registry.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { MEDIA_TYPE } from './support.js';

let server: TestServer;
beforeAll(async () => {
  // As `npm start` runs locally: the built-in authorization server on, the demo catalogue loaded.
  server = await startTestServer({ DEV_AUTH_SERVER: '1', DEMO_DATA: '1', DATA_DIR: mkdtempSync(join(tmpdir(), 'jsonapi-postman-')) });
});
afterAll(() => server.stop());

interface Item {
  name: string;
  item?: Item[];
  event?: { listen: string; script: { exec: string[] } }[];
  request?: { method: string; url: { raw: string } };
}

const requestsOf = (items: Item[]): Item[] => items.flatMap((i) => (i.item ? requestsOf(i.item) : [i]));

function run(collection: unknown): Promise<NewmanRunSummary> {
  return new Promise((resolve, reject) => {
    newman.run({ collection, reporters: [], timeoutRequest: 20_000 }, (error, summary) => (error ? reject(error) : resolve(summary)));
  });
}

/** What went wrong in a run, one line per failed assertion, script error or request error. */
function problems(summary: NewmanRunSummary): string[] {
  return summary.run.failures.map((f) => `${f.source?.name ?? '?'}: ${f.error.test ?? f.error.name}: ${f.error.message}`);
}

describe('the served Postman collection', () => {
  test('every request has a test script asserting its status and document', async () => {
    const collection = (await (await fetch(`${server.url}/v1/postman.json`)).json()) as { item: Item[] };
    const requests = requestsOf(collection.item);
    expect(requests.length).toBeGreaterThan(resourceList.length * 5);
    for (const item of requests) {
      const tests = item.event?.find((e) => e.listen === 'test')?.script.exec.join('\n') ?? '';
      expect([item.name, /pm\.response\.to\.have\.status\(\d{3}\)/.test(tests)]).toEqual([item.name, true]);
      expect([item.name, tests.includes('pm.response.json()') || tests.includes("pm.response.text()).to.eql('')")]).toEqual([item.name, true]);
    }
    // Creates first, deletes last; the ids are variables the creates fill in.
    const methods = requests.map((r) => r.request!.method);
    expect(methods.slice(0, resourceList.length)).toEqual(resourceList.map(() => 'POST'));
    expect(methods.slice(-resourceList.length)).toEqual(resourceList.map(() => 'DELETE'));
  });

  test('newman runs it green from an empty variable set, twice in a row, and leaves nothing behind', async () => {
    const collection = (await (await fetch(`${server.url}/v1/postman.json`)).json()) as { item: Item[] };
    const requests = requestsOf(collection.item).length;
    for (const round of [1, 2]) {
      // A fresh copy each round: newman keeps collection variables (ids, token) in the object it is given.
      const summary = await run(structuredClone(collection));
      expect([round, problems(summary)]).toEqual([round, []]);
      const { stats } = summary.run;
      // One execution per request: newman records the request whose pre-request script fetched the token twice.
      const executions = [...new Map(summary.run.executions.map((e) => [e.id, e])).values()];
      // Every request ran.
      expect(executions).toHaveLength(requests);
      expect(stats.requests.failed).toBe(0);
      // Each request asserted its status and its document: at least two assertions each, none failed or skipped.
      for (const e of executions) {
        const assertions = e.assertions ?? [];
        expect([e.item.name, assertions.length >= 2, assertions.filter((a) => a.error || a.skipped).map((a) => a.assertion)]).toEqual([e.item.name, true, []]);
      }
      expect(stats.assertions.failed).toBe(0);
      expect(stats.assertions.total).toBeGreaterThanOrEqual(2 * requests);
      // The ids the creates captured were used, then deleted: each is gone now.
      const token = await clientCredentialsToken();
      const created = executions.filter((e) => e.request.method === 'POST' && e.response?.code === 201);
      expect(created).toHaveLength(resourceList.length);
      for (const e of created) {
        const { data } = JSON.parse(e.response!.text()) as { data: { type: string; id: string } };
        const res = await fetch(`${server.url}/v1/${data.type}/${data.id}`, { headers: { Accept: MEDIA_TYPE, Authorization: `Bearer ${token}` } });
        expect([data.type, res.status]).toEqual([data.type, 404]);
      }
    }
  });
});

async function clientCredentialsToken(): Promise<string> {
  const res = await fetch(`${server.url}/oauth/token`, {
    method: 'POST',
    headers: { Authorization: `Basic ${Buffer.from('demo_client:demo_client_secret').toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&scope=read',
  });
  return ((await res.json()) as { access_token: string }).access_token;
}
