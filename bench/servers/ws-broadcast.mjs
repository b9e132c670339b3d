// Baseline for the messenger fan-out: a bare `ws` server. A client joins groups with
// ?group=A&group=B…; POST /send?group=G broadcasts the body, serialised once, to every socket of G.
// POST /gc (with --expose-gc) collects garbage and answers the RSS, so idle sockets can be weighed.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const groups = new Map();
const server = createServer((request, response) => {
  const url = new URL(request.url, 'http://localhost');
  if (url.pathname === '/healthz') return response.end('ok');
  if (request.method === 'POST' && url.pathname === '/gc') {
    globalThis.gc?.();
    globalThis.gc?.();
    return response.end(JSON.stringify({ rss: process.memoryUsage().rss }));
  }
  if (request.method === 'POST' && url.pathname === '/send') {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const frame = JSON.stringify({ t: 'event', type: 'message', payload: Buffer.concat(chunks).toString() });
      for (const socket of groups.get(url.searchParams.get('group')) ?? []) socket.send(frame);
      response.end('{}');
    });
    return;
  }
  response.statusCode = 404;
  response.end();
});
const wss = new WebSocketServer({ server });
wss.on('connection', (socket, request) => {
  const joined = new URL(request.url, 'http://localhost').searchParams.getAll('group');
  for (const group of joined) {
    if (!groups.has(group)) groups.set(group, new Set());
    groups.get(group).add(socket);
  }
  socket.on('close', () => {
    for (const group of joined) groups.get(group)?.delete(socket);
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');
