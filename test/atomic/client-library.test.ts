// The atomic-operations example of docs/jsonapi.md, run as it stands: a real
// JSON:API client library (jsona) makes the resource objects and reads the
// results; the operations document around them is built by hand.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startJsonApi, type JsonApiTestContext } from '../jsonapi/support.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The code block right after the `<!-- atomic-example -->` marker of docs/jsonapi.md. */
function docsExample(): string {
  const text = readFileSync(`${root}docs/jsonapi.md`, 'utf8');
  const match = /<!-- atomic-example -->\n```js\n([\s\S]*?)\n```/.exec(text);
  if (!match) throw new Error('docs/jsonapi.md has no atomic-example code block');
  return match[1]!;
}

let api: JsonApiTestContext;
beforeAll(async () => {
  api = await startJsonApi({ demoData: false });
});
afterAll(async () => api?.stop());

test('the docs example adds a course and two terms in one request, then removes them, through jsona', async () => {
  const token = await api.issuer.token(['read', 'create', 'delete']);
  const queries: string[] = [];
  const stop = api.server.db.onQuery((sql) => void queries.push(sql));
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', docsExample()], {
      cwd: root,
      env: { ...process.env, NODE_OPTIONS: '', BASE_URL: api.server.url, TOKEN: token },
      timeout: 30_000,
    }));
  } finally {
    stop();
  }
  const line = /^ATOM1234X ([0-9a-f-]{36}): terms 20261ATOM1234X, 20262ATOM1234X$/m.exec(stdout);
  expect(line).not.toBeNull();
  expect(queries.some((sql) => /INSERT INTO "public"."course_term"/.test(sql))).toBe(true);
  // The second request removed what the first added.
  expect((await api.call('GET', `/v1/courses/${line![1]}`)).status).toBe(404);
  expect((await api.call('GET', '/v1/course_terms')).body.data).toEqual([]);
});
