#!/usr/bin/env node
// Tiny dependency-free static file server for smp-preview.
//
// CLI:    node scripts/serve.mjs --dir www [--port 8080] [--csp "<policy>"]
// Module: import { startServer } from './scripts/serve.mjs';
//         const { url, close } = await startServer({ dir: 'www', port: 0, csp });
//
// Binds 127.0.0.1 only. Every response carries Cache-Control: no-cache (with
// an ETag, so the browser revalidates and keeps its copy: 304) and, when a
// policy is given, a Content-Security-Policy header.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.tflite': 'application/octet-stream',
};

export function mimeType(file) {
  return MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function baseHeaders(csp) {
  const h = {
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  };
  if (csp) h['Content-Security-Policy'] = csp;
  return h;
}

function sendText(res, status, text, csp, isHead) {
  const body = Buffer.from(text + '\n');
  res.writeHead(status, {
    ...baseHeaders(csp),
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': body.length,
  });
  res.end(isHead ? undefined : body);
}

/** Resolve a request path inside root; null if it escapes root or is malformed. */
function resolveInside(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  if (full !== root && !full.startsWith(root + path.sep)) return null;
  return full;
}

function handler(root, csp) {
  return (req, res) => {
    const isHead = req.method === 'HEAD';
    if (req.method !== 'GET' && !isHead) {
      res.setHeader('Allow', 'GET, HEAD');
      return sendText(res, 405, 'Method Not Allowed', csp, false);
    }
    let pathname;
    try {
      pathname = new URL(req.url, 'http://localhost').pathname;
    } catch {
      return sendText(res, 400, 'Bad Request', csp, isHead);
    }
    let file = resolveInside(root, pathname);
    if (!file) return sendText(res, 403, 'Forbidden', csp, isHead);

    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) {
        if (!pathname.endsWith('/')) {
          res.writeHead(301, { ...baseHeaders(csp), Location: pathname + '/' });
          return res.end();
        }
        file = path.join(file, 'index.html');
        return fs.stat(file, (err2, st2) => serveFile(err2, st2));
      }
      serveFile(err, st);
    });

    function serveFile(err, st) {
      if (err || !st.isFile()) return sendText(res, 404, 'Not Found', csp, isHead);
      // Revalidation (no-cache): an unchanged file is a 304, so the browser's
      // cached copy serves (the 13 MB model runtime is not fetched again).
      const etag = `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
      const validators = { ETag: etag, 'Last-Modified': st.mtime.toUTCString() };
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { ...baseHeaders(csp), ...validators });
        return res.end();
      }
      res.writeHead(200, {
        ...baseHeaders(csp),
        ...validators,
        'Content-Type': mimeType(file),
        'Content-Length': st.size,
      });
      if (isHead) return res.end();
      const stream = fs.createReadStream(file);
      stream.on('error', () => res.destroy());
      stream.pipe(res);
    }
  };
}

/**
 * Start serving `dir` on 127.0.0.1:`port` (0 = any free port).
 * Resolves to { url, port, close() } once listening; close() resolves when stopped.
 */
export function startServer({ dir = 'www', port = 0, csp = undefined, host = '127.0.0.1' } = {}) {
  const root = path.resolve(dir);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    return Promise.reject(new Error(`serve: not a directory: ${root}`));
  }
  const server = http.createServer(handler(root, csp));
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const actual = server.address().port;
      resolve({
        url: `http://${host}:${actual}`,
        port: actual,
        server,
        close() {
          return new Promise((done) => {
            server.close(() => done());
            // Keep-alive connections would hold close() open; end them.
            for (const s of sockets) s.destroy();
          });
        },
      });
    });
  });
}

function parseArgs(argv) {
  const opts = { dir: 'www', port: Number(process.env.PORT || 8080), csp: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [key, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) throw new Error(`serve: ${key} needs a value`);
      return argv[++i];
    };
    switch (key) {
      case '--dir': opts.dir = value(); break;
      case '--port': opts.port = Number(value()); break;
      case '--csp': opts.csp = value(); break;
      case '-h':
      case '--help':
        console.log('usage: node scripts/serve.mjs [--dir DIR] [--port PORT] [--csp "<policy>"]');
        process.exit(0);
        break;
      default:
        throw new Error(`serve: unknown argument ${a}`);
    }
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    throw new Error(`serve: bad port ${opts.port}`);
  }
  return opts;
}

const isMain = process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url;
if (isMain) {
  try {
    const opts = parseArgs(process.argv.slice(2));
    const srv = await startServer(opts);
    console.log(`Serving ${path.resolve(opts.dir)}${opts.csp ? ' (with CSP)' : ''}`);
    console.log(`  http://localhost:${srv.port}/   (Ctrl-C to stop)`);
    const stop = () => srv.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}

// Allow `fileURLToPath` consumers to find this file's location.
export const SERVE_SCRIPT = fileURLToPath(import.meta.url);
