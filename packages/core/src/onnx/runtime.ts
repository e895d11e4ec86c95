import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { downloadTool } from '@actions/tool-cache';
import { extract } from 'tar';

import { UserError, messageOf } from '../errors.js';

/** The onnxruntime-node every bundle runs, pinned with the registry's integrity hashes. */
export const ONNXRUNTIME_VERSION = '1.30.0';
export const ONNXRUNTIME_PACKAGES = {
  'onnxruntime-node':
    'sha512-twhs1C2C/BFkz1yc5OY0KIU2GUq6DURO7hD4bx5Q2Qy3nAMJwRXW8xU3NVczE29VA9lolLOYepoD8fjTGOfIqw==',
  'onnxruntime-common':
    'sha512-7fdVWjAID1dVhH/G8qK3APARunV4VkBFoCQAP7qp4Wkab0mrorvmc+sqiT+mKXOzDqdjN5j+/Z9nb4gzNPWcyA==',
} as const;
type PackageName = keyof typeof ONNXRUNTIME_PACKAGES;

/** Platforms whose native binding the onnxruntime-node tarball ships (bin/napi-v6/<platform>/<arch>). */
export const SUPPORTED_PLATFORMS = ['linux-x64', 'linux-arm64', 'darwin-arm64', 'win32-x64', 'win32-arm64'] as const;

export const DEFAULT_REGISTRY = 'https://registry.npmjs.org';

/** The onnxruntime-node module (its public API, as typed by the package). */
export type OnnxRuntime = typeof import('onnxruntime-node');

export interface RuntimeOptions {
  /** A pre-installed onnxruntime-node: its package folder, or a folder with node_modules/onnxruntime-node. */
  path?: string;
  /** Where provisioned runtimes are kept; defaults to RUNNER_TOOL_CACHE (or ~/.cache/ml-gate/tool-cache). */
  cacheRoot?: string;
  /** npm registry to download from; the pinned integrity is checked whatever it is. */
  registry?: string;
  platform?: NodeJS.Platform;
  arch?: string;
  log?: (message: string) => void;
}

export interface ProvisionedRuntime {
  /** The onnxruntime-node package folder. */
  packageDir: string;
  version: string;
  /** How it was found: given path, tool cache hit, or downloaded now. */
  source: 'path' | 'cache' | 'download';
}

export function defaultCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.RUNNER_TOOL_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'ml-gate', 'tool-cache');
}

function packageDirOf(path: string): string | undefined {
  const candidates = [path, join(path, 'node_modules', 'onnxruntime-node')];
  return candidates.find((dir) => existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'dist', 'index.js')));
}

/**
 * Finds or installs the pinned onnxruntime-node for the running platform, in this order: the
 * given path, the tool cache, a download from the npm registry (integrity-checked, only the
 * running platform's binaries kept, moved into the tool cache atomically).
 */
export async function provisionOnnxRuntime(options: RuntimeOptions = {}): Promise<ProvisionedRuntime> {
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const log = options.log ?? (() => {});
  const target = `${platform}-${arch}`;

  if (options.path) {
    const dir = packageDirOf(resolve(options.path));
    if (!dir) {
      throw new UserError(`onnxruntime-path ${options.path} holds no onnxruntime-node package.`, {
        input: 'onnxruntime-path',
        hint: `Point it at node_modules/onnxruntime-node of an install of onnxruntime-node@${ONNXRUNTIME_VERSION}, or leave it empty to download it.`,
      });
    }
    const { version } = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { version: string };
    if (version !== ONNXRUNTIME_VERSION) log(`Using onnxruntime-node ${version} from ${dir}; this release is tested with ${ONNXRUNTIME_VERSION}.`);
    return { packageDir: dir, version, source: 'path' };
  }

  if (!(SUPPORTED_PLATFORMS as readonly string[]).includes(target)) {
    throw new UserError(
      `onnxruntime-node ${ONNXRUNTIME_VERSION} ships no native binary for ${target}; supported: ${SUPPORTED_PLATFORMS.join(', ')}.`,
      { hint: 'Run the job on a supported runner, or install onnxruntime-node yourself and set onnxruntime-path.' },
    );
  }

  // Same layout as @actions/tool-cache: <root>/<tool>/<version>/<arch> plus a sibling "<arch>.complete".
  const versionDir = join(options.cacheRoot ?? defaultCacheRoot(), 'onnxruntime-node', ONNXRUNTIME_VERSION);
  const installDir = join(versionDir, target);
  const packageDir = join(installDir, 'node_modules', 'onnxruntime-node');
  if (existsSync(`${installDir}.complete`) && existsSync(join(packageDir, 'package.json'))) {
    return { packageDir, version: ONNXRUNTIME_VERSION, source: 'cache' };
  }

  const registry = (options.registry || DEFAULT_REGISTRY).replace(/\/+$/, '');
  const staging = join(versionDir, `.staging-${randomUUID()}`);
  try {
    for (const name of Object.keys(ONNXRUNTIME_PACKAGES) as PackageName[]) {
      const url = `${registry}/${name}/-/${name}-${ONNXRUNTIME_VERSION}.tgz`;
      const shown = withoutCredentials(url);
      log(`Downloading ${name}@${ONNXRUNTIME_VERSION} from ${shown}`);
      const tarball = join(staging, `${name}.tgz`);
      await mkdir(staging, { recursive: true });
      try {
        await downloadTool(url, tarball);
      } catch (e) {
        throw new UserError(`Could not download ${name}@${ONNXRUNTIME_VERSION} from ${shown}: ${messageOf(e)}.`, {
          hint: 'An offline runner can install onnxruntime-node itself and set onnxruntime-path (or ONNXRUNTIME_NODE_PATH).',
          cause: e,
        });
      }
      await verifyIntegrity(tarball, ONNXRUNTIME_PACKAGES[name], shown);
      const dest = join(staging, 'install', 'node_modules', name);
      await mkdir(dest, { recursive: true });
      const binaries = `package/bin/napi-v6/${platform}/${arch}/`;
      await extract({
        file: tarball,
        cwd: dest,
        strip: 1,
        // only what runs: the compiled JavaScript, the manifest and this platform's binaries
        filter: (p) =>
          !/^package\/(lib|script)\//.test(p) && (!p.startsWith('package/bin/') || p.startsWith(binaries) || binaries.startsWith(p)),
      });
      await rm(tarball);
    }
    if (!existsSync(join(staging, 'install', 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', platform, arch))) {
      throw new UserError(`The onnxruntime-node ${ONNXRUNTIME_VERSION} tarball holds no binaries for ${target}.`);
    }
    try {
      await rename(join(staging, 'install'), installDir);
    } catch (e) {
      // another job on this runner finished first: use its copy
      if (!existsSync(join(packageDir, 'package.json'))) throw e;
    }
    await writeFile(`${installDir}.complete`, '');
    log(`Installed onnxruntime-node ${ONNXRUNTIME_VERSION} for ${target} in ${installDir}`);
    return { packageDir, version: ONNXRUNTIME_VERSION, source: 'download' };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** A URL fit for a log: user and password of a mirror's URL removed. */
export function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//');
  }
}

async function verifyIntegrity(file: string, integrity: string, url: string): Promise<void> {
  const [algorithm, expected] = integrity.split('-', 2);
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  const actual = hash.digest('base64');
  if (actual !== expected) {
    throw new UserError(`${url} failed its integrity check: expected ${integrity}, got ${algorithm}-${actual}.`, {
      hint: 'The registry (or a proxy) served a different file; it was not used.',
    });
  }
}

const loaded = new Map<string, OnnxRuntime>();

/** Provisions (see provisionOnnxRuntime) and loads onnxruntime-node. */
export async function loadOnnxRuntime(options: RuntimeOptions = {}): Promise<{ ort: OnnxRuntime; runtime: ProvisionedRuntime }> {
  const runtime = await provisionOnnxRuntime(options);
  let ort = loaded.get(runtime.packageDir);
  if (!ort) {
    try {
      ort = createRequire(join(runtime.packageDir, 'package.json'))(runtime.packageDir) as OnnxRuntime;
    } catch (e) {
      throw new UserError(`onnxruntime-node in ${runtime.packageDir} cannot be loaded: ${messageOf(e)}.`, {
        hint: 'Its native binary may not match this machine; delete that folder to download it again.',
        cause: e,
      });
    }
    loaded.set(runtime.packageDir, ort);
  }
  return { ort, runtime };
}
