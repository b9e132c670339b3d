// Baseline for the messenger fan-out: a bare `ws` server. Clients join a group with ?group=G;
// POST /send?group=G broadcasts the body, serialised once, to every socket of the group.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const groups = new Map();
const server = createServer((request, response) => {
  const url = new URL(request.url, 'http://localhost');
  if (url.pathname === '/healthz') return response.end('ok');
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
  const group = new URL(request.url, 'http://localhost').searchParams.get('group');
  if (!groups.has(group)) groups.set(group, new Set());
  groups.get(group).add(socket);
  socket.on('close', () => groups.get(group)?.delete(socket));
});
server.listen(Number(process.env.PORT), '127.0.0.1');
