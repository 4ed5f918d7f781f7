// A real OTLP/HTTP trace receiver for tests: POST /v1/traces with an
// ExportTraceServiceRequest in protobuf (what the server's exporter sends),
// decoded with OpenTelemetry's own protobuf reader (@opentelemetry/otlp-transformer)
// field by field as opentelemetry-proto defines them, answered 200 with an
// empty ExportTraceServiceResponse.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProtobufReader } from '@opentelemetry/otlp-transformer/build/src/common/protobuf/protobuf-reader.js';

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  /** SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  scope: string;
  service: string;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** Reads the fields of one message: `on(field, wireType)` reads or skips each. */
function fields(bytes: Uint8Array, on: (reader: ProtobufReader, field: number, wireType: number) => boolean | void): void {
  const reader = new ProtobufReader(bytes);
  while (!reader.isAtEnd()) {
    const { fieldNumber, wireType } = reader.readTag();
    if (on(reader, fieldNumber, wireType) !== true) reader.skip(wireType);
  }
}

function anyValue(bytes: Uint8Array): string | number | boolean | undefined {
  let value: string | number | boolean | undefined;
  fields(bytes, (r, field) => {
    if (field === 1) value = r.readString();
    else if (field === 2) value = r.readVarint() !== 0;
    else if (field === 3) value = r.readVarint();
    else return false;
    return true;
  });
  return value;
}

function keyValue(bytes: Uint8Array, into: Record<string, string | number | boolean>): void {
  let key = '';
  let value: string | number | boolean | undefined;
  fields(bytes, (r, field) => {
    if (field === 1) key = r.readString();
    else if (field === 2) value = anyValue(r.readBytes());
    else return false;
    return true;
  });
  if (value !== undefined) into[key] = value;
}

function span(bytes: Uint8Array, scope: string, service: string): ReceivedSpan {
  const s: ReceivedSpan = { traceId: '', spanId: '', parentSpanId: '', name: '', kind: 0, attributes: {}, scope, service };
  fields(bytes, (r, field) => {
    if (field === 1) s.traceId = hex(r.readBytes());
    else if (field === 2) s.spanId = hex(r.readBytes());
    else if (field === 4) s.parentSpanId = hex(r.readBytes());
    else if (field === 5) s.name = r.readString();
    else if (field === 6) s.kind = r.readVarint();
    else if (field === 9) keyValue(r.readBytes(), s.attributes);
    else return false;
    return true;
  });
  return s;
}

/** ExportTraceServiceRequest → its spans (resource_spans → scope_spans → spans). */
export function decodeTraces(bytes: Uint8Array): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  fields(bytes, (r, field) => {
    if (field !== 1) return false;
    const resourceAttributes: Record<string, string | number | boolean> = {};
    const scopeSpans: Uint8Array[] = [];
    fields(r.readBytes(), (rs, f) => {
      if (f === 1) fields(rs.readBytes(), (res, g) => (g === 1 ? (keyValue(res.readBytes(), resourceAttributes), true) : false));
      else if (f === 2) scopeSpans.push(rs.readBytes());
      else return false;
      return true;
    });
    const service = String(resourceAttributes['service.name'] ?? '');
    for (const ss of scopeSpans) {
      let scope = '';
      const raw: Uint8Array[] = [];
      fields(ss, (sr, f) => {
        if (f === 1) fields(sr.readBytes(), (sc, g) => (g === 1 ? ((scope = sc.readString()), true) : false));
        else if (f === 2) raw.push(sr.readBytes());
        else return false;
        return true;
      });
      spans.push(...raw.map((b) => span(b, scope, service)));
    }
    return true;
  });
  return spans;
}

export interface OtlpReceiver {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT (the exporter adds /v1/traces). */
  endpoint: string;
  spans: ReceivedSpan[];
  requests: number;
  /** Resolves once `predicate(spans)` holds, or rejects after timeoutMs. */
  until(predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const receiver = { spans: [] as ReceivedSpan[], requests: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces' || req.headers['content-type'] !== 'application/x-protobuf') {
        res.writeHead(400).end();
        return;
      }
      receiver.requests++;
      receiver.spans.push(...decodeTraces(Buffer.concat(chunks)));
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    endpoint: `http://127.0.0.1:${port}`,
    async until(predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(receiver.spans)) {
        if (Date.now() > deadline) throw new Error(`the receiver did not get the spans in time; it has: ${receiver.spans.map((s) => s.name).join(', ')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
