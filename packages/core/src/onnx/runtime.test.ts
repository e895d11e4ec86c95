import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ONNXRUNTIME_VERSION, loadOnnxRuntime, provisionOnnxRuntime } from './runtime.js';

describe('provisionOnnxRuntime', () => {
  it('pins the same onnxruntime-node version the repository installs', () => {
    const installed = JSON.parse(readFileSync(join(process.env.ONNXRUNTIME_NODE_PATH!, 'package.json'), 'utf8'));
    expect(installed.version).toBe(ONNXRUNTIME_VERSION);
  });

  it('uses a pre-installed copy given as a package folder or as a folder holding node_modules', async () => {
    const pkg = process.env.ONNXRUNTIME_NODE_PATH!;
    expect(await provisionOnnxRuntime({ path: pkg })).toMatchObject({ packageDir: pkg, source: 'path', version: ONNXRUNTIME_VERSION });
    const root = join(pkg, '..', '..');
    expect((await provisionOnnxRuntime({ path: root })).packageDir).toBe(join(root, 'node_modules', 'onnxruntime-node'));
    const { ort } = await loadOnnxRuntime({ path: pkg });
    expect(typeof ort.InferenceSession.create).toBe('function');
  });

  it('names the input when the given path holds no onnxruntime-node', async () => {
    await expect(provisionOnnxRuntime({ path: tmpdir() })).rejects.toThrow(/onnxruntime-path .* holds no onnxruntime-node package/);
  });

  it('refuses a platform the package ships no binary for, listing the supported ones', async () => {
    await expect(provisionOnnxRuntime({ platform: 'freebsd', arch: 'x64', cacheRoot: tmpdir() })).rejects.toThrow(
      'onnxruntime-node 1.30.0 ships no native binary for freebsd-x64; supported: linux-x64, linux-arm64, darwin-arm64, win32-x64, win32-arm64.',
    );
  });

  describe('from a registry that serves the wrong bytes', () => {
    // A loopback stand-in for a registry mirror (or a proxy) that serves a tampered tarball.
    let server: Server;
    let registry: string;
    const requests: string[] = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        requests.push(req.url ?? '');
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(Buffer.from('not the onnxruntime-node tarball'));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('fails the integrity check and leaves nothing in the tool cache', async () => {
      const cacheRoot = await mkdtemp(join(tmpdir(), 'toolcache-'));
      await expect(provisionOnnxRuntime({ cacheRoot, registry, platform: 'linux', arch: 'x64' })).rejects.toThrow(
        /onnxruntime-node-1\.30\.0\.tgz failed its integrity check: expected sha512-twhs1C2C.*, got sha512-/,
      );
      expect(requests).toEqual(['/onnxruntime-node/-/onnxruntime-node-1.30.0.tgz']);
      const versionDir = join(cacheRoot, 'onnxruntime-node', ONNXRUNTIME_VERSION);
      expect(existsSync(join(versionDir, 'linux-x64.complete'))).toBe(false);
      expect(await readdir(versionDir)).toEqual([]);
    });
  });
});
