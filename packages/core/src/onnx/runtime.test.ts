import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
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

  it("names the input and the manifest when the given package's package.json cannot be read", async () => {
    const pkg = await mkdtemp(join(tmpdir(), 'ort-pkg-'));
    await mkdir(join(pkg, 'dist'));
    await writeFile(join(pkg, 'dist', 'index.js'), '');
    await writeFile(join(pkg, 'package.json'), '{"version": ');
    await expect(provisionOnnxRuntime({ path: pkg })).rejects.toMatchObject({
      input: 'onnxruntime-path',
      message: expect.stringMatching(/^onnxruntime-path: .*package\.json is not valid JSON: /),
    });
    const dirPkg = await mkdtemp(join(tmpdir(), 'ort-pkg-'));
    await mkdir(join(dirPkg, 'dist'));
    await writeFile(join(dirPkg, 'dist', 'index.js'), '');
    await mkdir(join(dirPkg, 'package.json'));
    await expect(provisionOnnxRuntime({ path: dirPkg })).rejects.toThrow(/package\.json is a directory, expected a file\.$/);
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

    it('asks it nothing when the tool cache holds a complete entry, and ignores an incomplete one', async () => {
      const cacheRoot = await mkdtemp(join(tmpdir(), 'toolcache-'));
      const installDir = join(cacheRoot, 'onnxruntime-node', ONNXRUNTIME_VERSION, 'linux-arm64');
      const packageDir = join(installDir, 'node_modules', 'onnxruntime-node');
      await mkdir(packageDir, { recursive: true });
      await writeFile(join(packageDir, 'package.json'), '{}');
      const options = { cacheRoot, registry, platform: 'linux', arch: 'arm64' } as const;
      const before = requests.length;
      await expect(provisionOnnxRuntime(options)).rejects.toThrow(/failed its integrity check/);
      expect(requests.length).toBe(before + 1);
      await writeFile(`${installDir}.complete`, '');
      expect(await provisionOnnxRuntime(options)).toEqual({ packageDir, version: ONNXRUNTIME_VERSION, source: 'cache' });
      expect(requests.length).toBe(before + 1);
    });
  });
});
