import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { downloadTool } from '@actions/tool-cache';
import { extract } from 'tar';

import { UserError, fileProblem, messageOf } from '../errors.js';

/** The onnxruntime-node every bundle runs, pinned with the registry's integrity hashes. */
export const ONNXRUNTIME_VERSION = '1.30.0';
export const ONNXRUNTIME_PACKAGES = {
  'onnxruntime-node': 'sha512-twhs1C2C/BFkz1yc5OY0KIU2GUq6DURO7hD4bx5Q2Qy3nAMJwRXW8xU3NVczE29VA9lolLOYepoD8fjTGOfIqw==',
  'onnxruntime-common': 'sha512-7fdVWjAID1dVhH/G8qK3APARunV4VkBFoCQAP7qp4Wkab0mrorvmc+sqiT+mKXOzDqdjN5j+/Z9nb4gzNPWcyA==',
} as const;
type PackageName = keyof typeof ONNXRUNTIME_PACKAGES;

/** Platforms whose native binding the onnxruntime-node tarball ships (bin/napi-v6/<platform>/<arch>). */
export const SUPPORTED_PLATFORMS = ['linux-x64', 'linux-arm64', 'darwin-arm64', 'win32-x64', 'win32-arm64'] as const;

export const DEFAULT_REGISTRY = 'https://registry.npmjs.org';

/** The onnxruntime-node module (its public API, as typed by the package). */
export type OnnxRuntime = typeof import('onnxruntime-node');

/** Where onnxruntime-node comes from, as a workflow says it: a pre-installed one, or a registry mirror. */
export type RuntimeLocation = Pick<RuntimeOptions, 'path' | 'registry'>;

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

/** The platform a runtime is provisioned for: its native binaries are in bin/napi-v6/<platform>/<arch>. */
interface Target {
  platform: string;
  arch: string;
  /** "<platform>-<arch>", as SUPPORTED_PLATFORMS and the tool cache name it. */
  name: string;
}

/**
 * Where the tool cache keeps the runtime of one target, in the layout of @actions/tool-cache:
 * <root>/<tool>/<version>/<arch> plus a sibling "<arch>.complete" written once it is whole.
 */
interface CacheEntry {
  versionDir: string;
  installDir: string;
  packageDir: string;
}

function cacheEntry(cacheRoot: string, target: Target): CacheEntry {
  const versionDir = join(cacheRoot, 'onnxruntime-node', ONNXRUNTIME_VERSION);
  const installDir = join(versionDir, target.name);
  return { versionDir, installDir, packageDir: join(installDir, 'node_modules', 'onnxruntime-node') };
}

/**
 * Finds or installs the pinned onnxruntime-node for the running platform, in this order: the
 * given path, the tool cache, a download from the npm registry (integrity-checked, only the
 * running platform's binaries kept, moved into the tool cache atomically).
 */
export async function provisionOnnxRuntime(options: RuntimeOptions = {}): Promise<ProvisionedRuntime> {
  const log = options.log ?? (() => {});
  if (options.path) return runtimeAtPath(options.path, log);
  const target = supportedTarget(options.platform ?? process.platform, options.arch ?? process.arch);
  const entry = cacheEntry(options.cacheRoot ?? defaultCacheRoot(), target);
  if (existsSync(`${entry.installDir}.complete`) && existsSync(join(entry.packageDir, 'package.json'))) {
    return { packageDir: entry.packageDir, version: ONNXRUNTIME_VERSION, source: 'cache' };
  }
  const registry = (options.registry || DEFAULT_REGISTRY).replace(/\/+$/, '');
  await installFromRegistry(registry, target, entry, log);
  return { packageDir: entry.packageDir, version: ONNXRUNTIME_VERSION, source: 'download' };
}

/** The pre-installed onnxruntime-node of input onnxruntime-path, whatever its version (which is logged when not the pinned one). */
async function runtimeAtPath(path: string, log: (message: string) => void): Promise<ProvisionedRuntime> {
  const dir = packageDirOf(resolve(path));
  if (!dir) {
    throw new UserError(`onnxruntime-path ${path} holds no onnxruntime-node package.`, {
      input: 'onnxruntime-path',
      hint: `Point it at node_modules/onnxruntime-node of an install of onnxruntime-node@${ONNXRUNTIME_VERSION}, or leave it empty to download it.`,
    });
  }
  const manifest = join(dir, 'package.json');
  let version: string;
  try {
    ({ version } = JSON.parse(await readFile(manifest, 'utf8')) as { version: string });
  } catch (e) {
    const problem = e instanceof SyntaxError ? `is not valid JSON: ${messageOf(e)}` : fileProblem(e);
    throw new UserError(`onnxruntime-path: ${manifest} ${problem}.`, { input: 'onnxruntime-path', file: manifest });
  }
  if (version !== ONNXRUNTIME_VERSION)
    log(`Using onnxruntime-node ${version} from ${dir}; this release is tested with ${ONNXRUNTIME_VERSION}.`);
  return { packageDir: dir, version, source: 'path' };
}

function supportedTarget(platform: string, arch: string): Target {
  const name = `${platform}-${arch}`;
  if (!(SUPPORTED_PLATFORMS as readonly string[]).includes(name)) {
    throw new UserError(
      `onnxruntime-node ${ONNXRUNTIME_VERSION} ships no native binary for ${name}; supported: ${SUPPORTED_PLATFORMS.join(', ')}.`,
      { hint: 'Run the job on a supported runner, or install onnxruntime-node yourself and set onnxruntime-path.' },
    );
  }
  return { platform, arch, name };
}

/**
 * Downloads the pinned packages into a staging folder of their own (so that a half-done install
 * is never seen), then moves them into the tool cache entry in one rename and marks it complete.
 */
async function installFromRegistry(registry: string, target: Target, entry: CacheEntry, log: (message: string) => void): Promise<void> {
  const staging = join(entry.versionDir, `.staging-${randomUUID()}`);
  const install = join(staging, 'install');
  try {
    for (const name of Object.keys(ONNXRUNTIME_PACKAGES) as PackageName[]) {
      const tarball = await downloadPackage(registry, name, staging, log);
      await extractPackage(tarball, join(install, 'node_modules', name), target);
      await rm(tarball);
    }
    if (!existsSync(join(install, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', target.platform, target.arch))) {
      throw new UserError(`The onnxruntime-node ${ONNXRUNTIME_VERSION} tarball holds no binaries for ${target.name}.`);
    }
    try {
      await rename(install, entry.installDir);
    } catch (e) {
      // another job on this runner finished first: use its copy
      if (!existsSync(join(entry.packageDir, 'package.json'))) throw e;
    }
    await writeFile(`${entry.installDir}.complete`, '');
    log(`Installed onnxruntime-node ${ONNXRUNTIME_VERSION} for ${target.name} in ${entry.installDir}`);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Downloads one pinned package's tarball into `dir` and checks its integrity; returns its path. */
async function downloadPackage(registry: string, name: PackageName, dir: string, log: (message: string) => void): Promise<string> {
  const url = `${registry}/${name}/-/${name}-${ONNXRUNTIME_VERSION}.tgz`;
  const shown = withoutCredentials(url);
  log(`Downloading ${name}@${ONNXRUNTIME_VERSION} from ${shown}`);
  const tarball = join(dir, `${name}.tgz`);
  await mkdir(dir, { recursive: true });
  try {
    await downloadTool(url, tarball);
  } catch (e) {
    throw new UserError(`Could not download ${name}@${ONNXRUNTIME_VERSION} from ${shown}: ${messageOf(e)}.`, {
      hint: 'An offline runner can install onnxruntime-node itself and set onnxruntime-path (or ONNXRUNTIME_NODE_PATH).',
      cause: e,
    });
  }
  await verifyIntegrity(tarball, ONNXRUNTIME_PACKAGES[name], shown);
  return tarball;
}

/** Unpacks a package tarball into `dest`, keeping only what runs: the compiled JavaScript, the manifest and the target's binaries. */
async function extractPackage(tarball: string, dest: string, target: Target): Promise<void> {
  const binaries = `package/bin/napi-v6/${target.platform}/${target.arch}/`;
  const runs = (p: string) =>
    !/^package\/(lib|script)\//.test(p) && (!p.startsWith('package/bin/') || p.startsWith(binaries) || binaries.startsWith(p));
  try {
    await mkdir(dest, { recursive: true });
    await extract({ file: tarball, cwd: dest, strip: 1, filter: runs });
  } catch (e) {
    throw new UserError(`${tarball} cannot be extracted into ${dest}: ${messageOf(e)}.`, { cause: e });
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
  try {
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  } catch (e) {
    throw new UserError(`The downloaded ${url} (${file}) ${fileProblem(e)}.`, { cause: e });
  }
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
