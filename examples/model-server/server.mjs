#!/usr/bin/env node
// A small model server: serves one ONNX model over the Open Inference Protocol (KServe V2) with
// onnxruntime-node and node:http. It is what the smoke-test action's tests run against, and a
// stand-in for a real server (KServe, Triton, MLServer) when trying the example pipeline.
//
//   node examples/model-server/server.mjs --model model.onnx --name demo --version 2 --port 8080
//
// Endpoints: GET /v2/health/live, /v2/health/ready, /v2, /v2/models/{name},
// /v2/models/{name}/ready (also under /versions/{version}), POST /v2/models/{name}/infer,
// POST /v2/repository/index (the models it serves, as Triton and KServe list them).
// The model loads after the server starts listening: until then, and for --not-ready-for
// seconds, the readiness endpoints answer 503.
//
// Fault injection, for tests (flag or environment variable):
//   --not-ready-for SECONDS   MODEL_SERVER_NOT_READY_FOR   not ready for this long after start
//   --latency-ms MS           MODEL_SERVER_LATENCY_MS      extra time before each infer answer
//   --fail-first N            MODEL_SERVER_FAIL_FIRST      answer the first N requests with 500
//   --version V                                            the model_version it claims to serve
//
// onnxruntime-node comes from ONNXRUNTIME_NODE_PATH (its folder, or a folder holding
// node_modules/onnxruntime-node) or is resolved from here (this repository's node_modules).
// Prints "model-server: listening on http://HOST:PORT" once it listens (--port 0: any free port).
import { existsSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const env = process.env;
const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    name: { type: 'string', default: 'model' },
    version: { type: 'string', default: '1' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8080' },
    'not-ready-for': { type: 'string', default: env.MODEL_SERVER_NOT_READY_FOR ?? '0' },
    'latency-ms': { type: 'string', default: env.MODEL_SERVER_LATENCY_MS ?? '0' },
    'fail-first': { type: 'string', default: env.MODEL_SERVER_FAIL_FIRST ?? '0' },
    help: { type: 'boolean', default: false },
  },
});

function usage(message) {
  if (message) console.error(`model-server: ${message}`);
  console.error(
    'Usage: node server.mjs --model FILE.onnx [--name NAME] [--version V] [--host H] [--port P] [--not-ready-for S] [--latency-ms MS] [--fail-first N]',
  );
  process.exit(message ? 2 : 0);
}
if (args.help) usage();
if (!args.model) usage('--model is required');
if (!existsSync(args.model)) usage(`--model ${args.model} does not exist`);
const number = (flag) => {
  const v = Number(args[flag]);
  if (!Number.isFinite(v) || v < 0) usage(`--${flag} must be a number >= 0, got ${args[flag]}`);
  return v;
};
const notReadyForMs = number('not-ready-for') * 1000;
const latencyMs = number('latency-ms');
let failuresLeft = number('fail-first');
const port = number('port');

function loadOnnxRuntime() {
  const given = env.ONNXRUNTIME_NODE_PATH;
  if (given) {
    const dir = [resolve(given), join(resolve(given), 'node_modules', 'onnxruntime-node')].find((d) => existsSync(join(d, 'package.json')));
    if (!dir) usage(`ONNXRUNTIME_NODE_PATH=${given} holds no onnxruntime-node`);
    return createRequire(join(dir, 'package.json'))(dir);
  }
  return createRequire(import.meta.url)('onnxruntime-node');
}

// onnxruntime element type <-> Open Inference Protocol datatype
const DATATYPE = {
  bool: 'BOOL',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  float16: 'FP16',
  float32: 'FP32',
  float64: 'FP64',
  string: 'BYTES',
};
const ARRAY = {
  FP32: Float32Array,
  FP64: Float64Array,
  INT8: Int8Array,
  UINT8: Uint8Array,
  INT16: Int16Array,
  UINT16: Uint16Array,
  INT32: Int32Array,
  UINT32: Uint32Array,
  BOOL: Uint8Array,
};

const ort = loadOnnxRuntime();
const startedAt = Date.now();
let session;
let loadError;
const loading = ort.InferenceSession.create(resolve(args.model), { executionProviders: ['cpu'], intraOpNumThreads: 1 }).then(
  (s) => (session = s),
  (e) => (loadError = e),
);

const ready = () => session !== undefined && Date.now() - startedAt >= notReadyForMs;
const tensorMeta = (m) => ({
  name: m.name,
  datatype: DATATYPE[m.type] ?? String(m.type).toUpperCase(),
  shape: m.shape.map((d) => (typeof d === 'number' ? d : -1)),
});

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size > 64 * 1024 * 1024) throw Object.assign(new Error('request body over 64 MB'), { status: 413 });
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function flatten(v, out) {
  if (Array.isArray(v)) for (const x of v) flatten(x, out);
  else out.push(typeof v === 'boolean' ? Number(v) : v);
  return out;
}

class BadRequest extends Error {}

function toTensor(input, meta) {
  const datatype = input.datatype ?? DATATYPE[meta.type];
  const shape = input.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
    throw new BadRequest(`input ${input.name}: shape must be a list of sizes`);
  const data = flatten(input.data ?? [], []);
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new BadRequest(`input ${input.name}: ${data.length} values for shape [${shape.join(', ')}]`);
  if (!data.every((x) => typeof x === 'number')) throw new BadRequest(`input ${input.name}: data must be numbers`);
  if (datatype !== DATATYPE[meta.type])
    throw new BadRequest(`input ${input.name}: datatype ${datatype}, the model takes ${DATATYPE[meta.type]}`);
  if (datatype === 'INT64')
    return new ort.Tensor(
      'int64',
      BigInt64Array.from(data, (x) => BigInt(Math.trunc(x))),
      shape,
    );
  if (datatype === 'UINT64')
    return new ort.Tensor(
      'uint64',
      BigUint64Array.from(data, (x) => BigInt(Math.trunc(x))),
      shape,
    );
  const Array_ = ARRAY[datatype];
  if (!Array_) throw new BadRequest(`input ${input.name}: datatype ${datatype} is not supported by this server`);
  return new ort.Tensor(meta.type, Array_.from(data), shape);
}

async function infer(req, res) {
  let request;
  try {
    request = JSON.parse(await readBody(req));
  } catch (e) {
    return send(res, e.status ?? 400, { error: `the request is not JSON: ${e.message}` });
  }
  if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
  try {
    if (!Array.isArray(request?.inputs)) throw new BadRequest('the request has no inputs list');
    const feeds = {};
    for (const meta of session.inputMetadata) {
      const input = request.inputs.find((i) => i?.name === meta.name);
      if (!input) throw new BadRequest(`the request has no input '${meta.name}'`);
      feeds[meta.name] = toTensor(input, meta);
    }
    const wanted = Array.isArray(request.outputs) ? request.outputs.map((o) => o?.name) : session.outputNames;
    const unknown = wanted.filter((n) => !session.outputNames.includes(n));
    if (unknown.length) throw new BadRequest(`unknown output(s) ${unknown.join(', ')}`);
    const results = await session.run(feeds);
    send(res, 200, {
      model_name: args.name,
      model_version: args.version,
      ...(request.id !== undefined ? { id: request.id } : {}),
      outputs: wanted.map((name) => {
        const t = results[name];
        return {
          name,
          datatype: DATATYPE[t.type],
          shape: t.dims,
          data: Array.from(t.data, (x) => (typeof x === 'bigint' ? Number(x) : x)),
        };
      }),
    });
  } catch (e) {
    send(res, e instanceof BadRequest ? 400 : 500, { error: e.message });
  }
}

const server = http.createServer(async (req, res) => {
  try {
    if (failuresLeft > 0) {
      failuresLeft--;
      return send(res, 500, { error: 'injected failure (--fail-first)' });
    }
    const path = new URL(req.url, 'http://x').pathname.replace(/\/+$/, '');
    const model = `/v2/models/${encodeURIComponent(args.name)}`;
    const versioned = `${model}/versions/${encodeURIComponent(args.version)}`;
    const get = req.method === 'GET';
    if (get && path === '/v2/health/live') return send(res, 200, { live: true });
    if (get && path === '/v2/health/ready') return send(res, ready() ? 200 : 503, { ready: ready() });
    if (get && path === '/v2')
      return send(res, 200, { name: 'ml-gate-example-model-server', version: '1', extensions: ['model_repository'] });
    // the model repository extension's index (Triton, KServe): what a client lists for an unknown model name
    if (req.method === 'POST' && path === '/v2/repository/index') {
      return send(res, 200, [{ name: args.name, version: args.version, state: ready() ? 'READY' : 'UNAVAILABLE' }]);
    }
    if (path === model || path === versioned || path.startsWith(`${model}/`)) {
      const rest = path.startsWith(versioned) ? path.slice(versioned.length) : path.slice(model.length);
      if (get && rest === '/ready') return send(res, ready() ? 200 : 503, { name: args.name, ready: ready() });
      if (!session) return send(res, 503, { error: loadError ? `the model failed to load: ${loadError.message}` : 'the model is loading' });
      if (get && rest === '') {
        return send(res, 200, {
          name: args.name,
          versions: [args.version],
          platform: 'onnxruntime_onnx',
          inputs: session.inputMetadata.map(tensorMeta),
          outputs: session.outputMetadata.map(tensorMeta),
        });
      }
      if (req.method === 'POST' && rest === '/infer') {
        if (!ready()) return send(res, 503, { error: 'the model is not ready' });
        return await infer(req, res);
      }
    }
    if (path.startsWith('/v2/models/')) return send(res, 404, { error: `unknown model or endpoint: ${req.method} ${path}` });
    send(res, 404, { error: `not found: ${req.method} ${path}` });
  } catch (e) {
    if (!res.headersSent) send(res, 500, { error: e.message });
  }
});

server.listen(port, args.host, () => {
  const { address, port: bound } = server.address();
  const host = address.includes(':') ? `[${address}]` : address;
  console.log(`model-server: listening on http://${host}:${bound} (model ${args.name}, version ${args.version})`);
});
loading.then(() => {
  if (loadError) console.error(`model-server: ${args.model} failed to load: ${loadError.message}`);
  else console.log(`model-server: ${args.model} loaded`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
