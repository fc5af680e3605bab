// Serves folders over HTTP, opens one page in headless Chromium and relays what the page reports:
// each POST /log body is printed as it arrives; POST /done ends the run (its body is printed too).
//
//   node headless.mjs --page /bench/bench.html?x=1 --mount /worker=DIR --mount /bench=DIR [--timeout 600]
//
// Chromium is the system one (CHROMIUM, default /usr/bin/chromium); nothing is downloaded.
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';

const args = process.argv.slice(2);
const mounts = [];
let page = '/';
let timeoutSec = 600;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--mount') {
    const [prefix, dir] = args[++i].split('=');
    mounts.push({ prefix: prefix.replace(/\/$/, ''), dir });
  } else if (args[i] === '--page') {
    page = args[++i];
  } else if (args[i] === '--timeout') {
    timeoutSec = Number(args[++i]);
  }
}

const types = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
  '.json': 'application/json', '.onnx': 'application/octet-stream', '.npy': 'application/octet-stream',
};

let chromium = null;
let profile = null;
let exitCode = 0;

function finish(code) {
  exitCode = code;
  server.close();
  if (chromium && chromium.exitCode === null) {
    chromium.removeAllListeners('exit');
    chromium.on('exit', () => cleanUp());
    chromium.kill('SIGKILL');
  } else {
    cleanUp();
  }
}

function cleanUp() {
  try {
    if (profile) {
      rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
    }
  } catch (e) {
    // a leftover temporary profile is harmless
  }
  process.exit(exitCode);
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (req.method === 'POST') {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.writeHead(204).end();
      process.stdout.write(body.endsWith('\n') ? body : body + '\n');
      if (url.pathname === '/done') {
        finish(0);
      } else if (url.pathname === '/fail') {
        finish(1);
      }
    });
    return;
  }
  const m = mounts.find((x) => url.pathname.startsWith(x.prefix + '/'));
  if (!m) {
    res.writeHead(404).end();
    return;
  }
  const rel = normalize(decodeURIComponent(url.pathname.slice(m.prefix.length))).replace(/^(\.\.[/\\])+/, '');
  const file = join(m.dir, rel);
  try {
    if (!statSync(file).isFile()) {
      throw new Error('not a file');
    }
  } catch (e) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, {
    'Content-Type': types[extname(file)] || 'application/octet-stream',
    'Cache-Control': 'no-store',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
  });
  createReadStream(file).pipe(res);
});

server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  profile = mkdtempSync(join(tmpdir(), 'pocketgrid-bench-'));
  const bin = process.env.CHROMIUM || '/usr/bin/chromium';
  chromium = spawn(bin, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage', '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
    '--user-data-dir=' + profile, '--remote-debugging-port=0',
    `http://127.0.0.1:${port}${page}`,
  ], { stdio: ['ignore', 'ignore', process.env.CHROMIUM_LOG ? 'inherit' : 'ignore'] });
  chromium.on('exit', (code) => {
    console.error('chromium exited (' + code + ') before the page reported /done');
    finish(2);
  });
  setTimeout(() => {
    console.error('timed out after ' + timeoutSec + ' s');
    finish(3);
  }, timeoutSec * 1000);
});
