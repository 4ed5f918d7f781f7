// /v1 asks who is calling, and whether they may do this, before it reads a
// request body: a caller without a token (or with a bad one, or without the
// scope) is answered at once instead of being allowed to upload up to the
// body limit, however slowly, first.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { MEDIA_TYPE, startJsonApi, type JsonApiTestContext } from './support.js';

let api: JsonApiTestContext;
beforeAll(async () => {
  api = await startJsonApi({ demoData: false });
});
afterAll(() => api?.stop());

const announced = 500_000;
const firstBytes = '{"data": {"type": "courses", ';

interface Head {
  status: number;
  headers: Record<string, string>;
}

/**
 * Sends the headers of a POST announcing a 500 kB body, then only its first
 * few bytes, and waits for the response head. The rest of the body is sent
 * only if `rest` is given, after `restAfterMs`.
 */
function slowUpload(headers: Record<string, string>, rest?: { bytes: string; afterMs: number }): { head: Promise<Head>; socket: Socket } {
  const url = new URL(api.server.url);
  const socket = connect(Number(url.port), url.hostname);
  const head = new Promise<Head>((resolve, reject) => {
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine, ...lines] = received.slice(0, end).split('\r\n');
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine!)?.[1]),
        headers: Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()])),
      });
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`connection closed before a response head; got ${JSON.stringify(received)}`)));
  });
  const lines = [
    'POST /v1/courses HTTP/1.1',
    `Host: ${url.host}`,
    `Accept: ${MEDIA_TYPE}`,
    `Content-Type: ${MEDIA_TYPE}`,
    `Content-Length: ${rest ? firstBytes.length + rest.bytes.length : announced}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.write(`${lines.join('\r\n')}\r\n\r\n${firstBytes}`);
  if (rest) setTimeout(() => socket.write(rest.bytes), rest.afterMs);
  return { head, socket };
}

/**
 * The rest of the body is never sent, so any answer at all shows the server
 * did not wait for it. The bound only ends the test on a server that does
 * wait (today's timeouts would keep it waiting for minutes); an answer that
 * needs no database or network call takes milliseconds even on a busy machine.
 */
async function answeredWithoutTheBody(headers: Record<string, string>): Promise<Head> {
  const { head, socket } = slowUpload(headers);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([head, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no answer while the body was incomplete')), 15_000)))]);
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}

test('no token: 401 with the bare challenge, before the body arrives', async () => {
  const head = await answeredWithoutTheBody({});
  expect(head.status).toBe(401);
  expect(head.headers['www-authenticate']).toBe('Bearer realm="course-catalogue"');
  // The unread body is not drained: the connection is closed after the answer.
  expect(head.headers.connection).toBe('close');
});

test('a bad token: 401 invalid_token, before the body arrives', async () => {
  const head = await answeredWithoutTheBody({ Authorization: 'Bearer not-a-valid-token' });
  expect(head.status).toBe(401);
  expect(head.headers['www-authenticate']).toMatch(/error="invalid_token"/);
});

test('a token without the scope for the operation: 403, before the body arrives', async () => {
  const head = await answeredWithoutTheBody({ Authorization: `Bearer ${await api.issuer.token('read')}` });
  expect(head.status).toBe(403);
  expect(head.headers['www-authenticate']).toMatch(/error="insufficient_scope", .*scope="create"/);
});

test('an authorized caller\'s body is still read, however slowly it comes', async () => {
  const rest = '"attributes": {"course_identifier": "SLOW1000X", "course_name": "Slow", "course_number": "1000", "subject_area_code": "SLOW", "school_bulletin_prefix_code": "XC", "suffix_two": "00", "course_description": "Sent in two parts."}}}';
  const { head, socket } = slowUpload({ Authorization: `Bearer ${api.token}` }, { bytes: rest, afterMs: 200 });
  try {
    expect((await head).status).toBe(201);
  } finally {
    socket.destroy();
  }
  expect(await api.server.db.prisma.course.count({ where: { courseIdentifier: 'SLOW1000X' } })).toBe(1);
});
