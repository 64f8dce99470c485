import http from 'node:http';

/** A request as a stand-in received it: its body parsed as JSON when it is JSON, else the raw text. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/** An HTTP server that records every request (whole body read first) and hands it to `answer`. */
export function recordingServer(requests: RecordedRequest[], answer: (request: RecordedRequest, res: http.ServerResponse) => void): http.Server {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: any;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
      const request: RecordedRequest = { method: req.method ?? '', path: (req.url ?? '').split('?')[0], headers: req.headers, body };
      requests.push(request);
      answer(request, res);
    });
  });
}
