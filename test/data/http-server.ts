/**
 * A local HTTP server for download tests (127.0.0.1, a random free port). Each route answers
 * with a body, an error status, a redirect, a body cut off mid-way, or silence.
 */
import { createServer } from 'node:http';

export type Route =
  | { kind: 'file'; body: Uint8Array; chunked?: boolean }
  | { kind: 'status'; status: number }
  | { kind: 'redirect'; location: string }
  /** Promises the whole body (Content-Length, unless chunked), sends `sent` bytes, then drops the connection. */
  | { kind: 'truncated'; body: Uint8Array; sent: number; chunked?: boolean }
  /** Sends the headers and then nothing. */
  | { kind: 'silent' };

export interface TestServer {
  /** The base URL, ending in '/'. */
  url: string;
  /** Paths requested so far, in order. */
  requests: string[];
  routes: Map<string, Route>;
  close(): Promise<void>;
}

export async function startServer(routes: Map<string, Route>): Promise<TestServer> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    requests.push(path);
    const route = routes.get(path);
    if (route === undefined) {
      response.writeHead(404, 'Not Found').end();
      return;
    }
    switch (route.kind) {
      case 'file':
        response.writeHead(
          200,
          route.chunked === true ? {} : { 'content-length': route.body.length },
        );
        response.end(route.body);
        return;
      case 'status':
        response.writeHead(route.status).end();
        return;
      case 'redirect':
        response.writeHead(302, { location: route.location }).end();
        return;
      case 'truncated':
        response.writeHead(
          200,
          route.chunked === true ? {} : { 'content-length': route.body.length },
        );
        response.write(route.body.subarray(0, route.sent), () => response.destroy());
        return;
      case 'silent':
        response.writeHead(200, { 'content-length': 10 });
        response.flushHeaders();
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('test server: no TCP port');
  const { port } = address;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    routes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
