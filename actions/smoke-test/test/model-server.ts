// Starts examples/model-server/server.mjs on loopback (port 0) for the tests and stops it by its pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const SERVER = fileURLToPath(new URL('../../../examples/model-server/server.mjs', import.meta.url));

export interface ModelServerOptions {
  model: string;
  name?: string;
  version?: string;
  notReadyFor?: number;
  latencyMs?: number;
  failFirst?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

export async function startModelServer(o: ModelServerOptions): Promise<RunningServer> {
  const args = [SERVER, '--model', o.model, '--name', o.name ?? 'demo', '--version', o.version ?? '2', '--port', '0'];
  if (o.notReadyFor !== undefined) args.push('--not-ready-for', String(o.notReadyFor));
  if (o.latencyMs !== undefined) args.push('--latency-ms', String(o.latencyMs));
  if (o.failFirst !== undefined) args.push('--fail-first', String(o.failFirst));
  // test/setup.ts points ONNXRUNTIME_NODE_PATH at the repository's onnxruntime-node
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  let text = '';
  child.stdout.on('data', (b: Buffer) => (text += b.toString()));
  child.stderr.on('data', (b: Buffer) => (text += b.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the model server did not start:\n${text}`)), 15_000);
    const check = () => {
      const m = /listening on (http:\/\/\S+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the model server exited with ${code}:\n${text}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    port: Number(new URL(url).port),
    child,
    output: () => text,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
