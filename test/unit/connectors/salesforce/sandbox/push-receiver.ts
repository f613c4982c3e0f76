/**
 * A real local HTTP receiver for the Salesforce sandbox push tests: records every request
 * and answers with whatever the test's responder says.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the receiver answers. */
export interface Answer {
  status: number;
  body: string;
  contentType?: string;
}

/** A running receiver. */
export interface Receiver {
  url: string;
  requests: Received[];
  /** Replaces the responder. */
  respond(fn: (req: Received, index: number) => Answer): void;
  close(): Promise<void>;
}

/** Starts a receiver on a free port answering 200 with an empty body until told otherwise. */
export async function startReceiver(): Promise<Receiver> {
  const requests: Received[] = [];
  let responder: (req: Received, index: number) => Answer = () => ({ status: 200, body: '' });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(received);
      const answer = responder(received, requests.length - 1);
      res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'text/xml; charset=utf-8' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    respond(fn) {
      responder = fn;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
