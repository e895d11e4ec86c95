// A loopback stand-in for a Kubernetes API server, because none can run here: this machine has no
// cluster, no container runtime for kind or k3s, and tests must not reach a real cluster. The REAL
// kubectl binary talks to it over HTTP through a kubeconfig written per test (see `kubeconfig()`),
// so the tests exercise kubectl's own requests, patches, watches and exit codes.
//
// It speaks the part of the API that kubectl uses for the rollback action, as checked with
// `kubectl -v=8` (kubectl 1.32 and Debian's 1.20):
// - discovery: GET /version, /api, /apis (legacy discovery documents; kubectl 1.30+ asks for the
//   aggregated format first and falls back to these), /api/v1, /apis/apps/v1; /openapi/* is 404,
//   which kubectl tolerates for the commands used here;
// - deployments (apps/v1): GET one, GET the list (with fieldSelector metadata.name=...), WATCH
//   (`?watch=true`, a stream of JSON events), PATCH (strategic-merge-patch, as `kubectl set image`
//   sends it, merge-patch and JSON merge); status fields observedGeneration, replicas,
//   updatedReplicas, readyReplicas, availableReplicas and the Progressing/Available conditions,
//   as `kubectl rollout status` reads them;
// - configmaps (v1): GET one, POST (create; 409 AlreadyExists), PATCH and PUT, with the
//   resourceVersion check of optimistic concurrency (409 Conflict).
//
// A spec change of a deployment bumps metadata.generation; a simulated controller then moves its
// status after `rolloutDelayMs`, per the deployment's `rollout` behaviour:
// - 'complete': every replica updated and available (rollout status succeeds);
// - 'stuck': the status never catches up (rollout status --timeout runs out, exit 1);
// - 'deadline-exceeded': Progressing=False, reason ProgressDeadlineExceeded (rollout status fails).
// Every request is recorded (method, path, query, content type, parsed body, answer status).
import { type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { writeFile } from 'node:fs/promises';

import { answering, closeServer, listenOnLoopback, readBody } from './loopback.js';

export type RolloutBehaviour = 'complete' | 'stuck' | 'deadline-exceeded';

export interface KubeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  contentType: string;
  body: any;
  status: number;
}

export interface StubDeployment {
  namespace?: string;
  name: string;
  /** Container name -> image. */
  containers: Record<string, string>;
  replicas?: number;
  rollout?: RolloutBehaviour;
}

export interface KubernetesApiStubOptions {
  /** How long the simulated controller takes to move a deployment's status after a change. */
  rolloutDelayMs?: number;
  /** Answer this request with an error instead (e.g. 403 Forbidden, to make kubectl fail). */
  fail?: (r: KubeRequest) => { status: number; reason: string; message: string } | undefined;
}

const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T00:00:00Z',
  goVersion: 'go1.23.8',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const CORE_RESOURCES = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'v1',
  resources: [
    {
      name: 'configmaps',
      singularName: 'configmap',
      namespaced: true,
      kind: 'ConfigMap',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['cm'],
    },
    {
      name: 'namespaces',
      singularName: 'namespace',
      namespaced: false,
      kind: 'Namespace',
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['ns'],
    },
  ],
};

const APPS_RESOURCES = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'apps/v1',
  resources: [
    {
      name: 'deployments',
      singularName: 'deployment',
      namespaced: true,
      kind: 'Deployment',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['deploy'],
      categories: ['all'],
    },
    { name: 'deployments/status', singularName: '', namespaced: true, kind: 'Deployment', verbs: ['get', 'patch', 'update'] },
    {
      name: 'deployments/scale',
      singularName: '',
      namespaced: true,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    },
  ],
};

function status(code: number, reason: string, message: string, details?: Record<string, unknown>) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code };
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: any, patch: any): any {
  if (!isObject(patch)) return clone(patch);
  const out: Record<string, any> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/**
 * The part of Kubernetes' strategic merge patch that deployments need: lists of objects with a
 * `name` (containers, env, ports...) merge element by element on `name`; `$`-directives (such as
 * `$setElementOrder/containers`) are dropped; the rest is a JSON merge patch.
 */
export function strategicMergePatch(target: any, patch: any): any {
  if (!isObject(patch)) return clone(patch);
  const out: Record<string, any> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    if (v === null) delete out[k];
    else if (Array.isArray(v) && v.every((e) => isObject(e) && typeof e.name === 'string') && Array.isArray(out[k])) {
      const merged = out[k].map((e) => clone(e));
      for (const element of v) {
        const i = merged.findIndex((e) => e.name === element.name);
        if (i >= 0) merged[i] = strategicMergePatch(merged[i], element);
        else merged.push(clone(element));
      }
      out[k] = merged;
    } else out[k] = strategicMergePatch(out[k], v);
  }
  return out;
}

interface Watcher {
  namespace: string;
  name?: string;
  res: ServerResponse;
}

export class KubernetesApiStub {
  readonly requests: KubeRequest[] = [];
  /** "namespace/name" -> Deployment object. */
  readonly deployments = new Map<string, any>();
  /** "namespace/name" -> ConfigMap object. */
  readonly configMaps = new Map<string, any>();
  private readonly rollouts = new Map<string, RolloutBehaviour>();
  private readonly watchers = new Set<Watcher>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private resourceVersion = 1000;
  private readonly server: Server;
  readonly options: KubernetesApiStubOptions;
  url = '';

  private constructor(options: KubernetesApiStubOptions) {
    this.options = { rolloutDelayMs: 150, ...options };
    this.server = answering(async (req, res) => {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://stub');
      const record: KubeRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        contentType: String(req.headers['content-type'] ?? '').split(';')[0],
        body,
        status: 0,
      };
      this.requests.push(record);
      const failure = this.options.fail?.(record);
      if (failure) {
        record.status = failure.status;
        this.send(res, failure.status, status(failure.status, failure.reason, failure.message));
        return;
      }
      if (record.method === 'GET' && url.searchParams.get('watch') === 'true') {
        record.status = 200;
        this.watch(record, res);
        return;
      }
      const [code, json] = this.handle(record);
      record.status = code;
      this.send(res, code, json);
    });
  }

  static async start(options: KubernetesApiStubOptions = {}): Promise<KubernetesApiStub> {
    const stub = new KubernetesApiStub(options);
    stub.url = await listenOnLoopback(stub.server);
    return stub;
  }

  close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
    return closeServer(this.server);
  }

  /**
   * Writes a kubeconfig for this server (plain HTTP on loopback, a bearer token, the given
   * default namespace) and returns its path.
   */
  async kubeconfig(
    path: string,
    options: { namespace?: string; context?: string; token?: string; format?: 'yaml' | 'json' } = {},
  ): Promise<string> {
    const context = options.context ?? 'stub';
    const token = options.token ?? 'stub-token-0123456789';
    if (options.format === 'json') {
      // kubectl reads JSON kubeconfigs too
      const json = {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'stub', cluster: { server: this.url } }],
        contexts: [{ name: context, context: { cluster: 'stub', user: 'stub', namespace: options.namespace ?? 'default' } }],
        'current-context': context,
        users: [{ name: 'stub', user: { token } }],
      };
      await writeFile(path, JSON.stringify(json, null, 2), { mode: 0o600 });
      return path;
    }
    const text = [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: stub',
      '  cluster:',
      `    server: ${this.url}`,
      'contexts:',
      `- name: ${context}`,
      '  context:',
      '    cluster: stub',
      '    user: stub',
      `    namespace: ${options.namespace ?? 'default'}`,
      `current-context: ${context}`,
      'users:',
      '- name: stub',
      '  user:',
      `    token: ${token}`,
      '',
    ].join('\n');
    await writeFile(path, text, { mode: 0o600 });
    return path;
  }

  /** Adds a deployment whose rollout is complete. */
  addDeployment(d: StubDeployment): any {
    const namespace = d.namespace ?? 'default';
    const replicas = d.replicas ?? 2;
    const rv = this.nextVersion();
    const object = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: d.name,
        namespace,
        uid: `uid-${d.name}`,
        generation: 1,
        resourceVersion: rv,
        creationTimestamp: '2025-01-01T00:00:00Z',
        labels: { app: d.name },
      },
      spec: {
        replicas,
        progressDeadlineSeconds: 600,
        selector: { matchLabels: { app: d.name } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        template: {
          metadata: { labels: { app: d.name } },
          spec: { containers: Object.entries(d.containers).map(([name, image]) => ({ name, image, ports: [{ containerPort: 8080 }] })) },
        },
      },
      status: this.completeStatus(1, replicas),
    };
    this.deployments.set(`${namespace}/${d.name}`, object);
    this.rollouts.set(`${namespace}/${d.name}`, d.rollout ?? 'complete');
    return object;
  }

  setRollout(name: string, behaviour: RolloutBehaviour, namespace = 'default'): void {
    this.rollouts.set(`${namespace}/${name}`, behaviour);
  }

  /** The image of a container of a deployment as the server holds it. */
  image(name: string, container: string, namespace = 'default'): string | undefined {
    const d = this.deployments.get(`${namespace}/${name}`);
    return d?.spec.template.spec.containers.find((c: any) => c.name === container)?.image;
  }

  addConfigMap(name: string, data: Record<string, string>, namespace = 'default'): any {
    const object = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace, uid: `uid-cm-${name}`, resourceVersion: this.nextVersion(), creationTimestamp: '2025-01-01T00:00:00Z' },
      data: { ...data },
    };
    this.configMaps.set(`${namespace}/${name}`, object);
    return object;
  }

  configMapData(name: string, namespace = 'default'): Record<string, string> | undefined {
    return this.configMaps.get(`${namespace}/${name}`)?.data;
  }

  /** Requests that change something (anything but GET). */
  writes(): KubeRequest[] {
    return this.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD');
  }

  private nextVersion(): string {
    return String(++this.resourceVersion);
  }

  private completeStatus(generation: number, replicas: number) {
    return {
      observedGeneration: generation,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet has successfully progressed.' },
      ],
    };
  }

  private send(res: ServerResponse, code: number, json: unknown): void {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(json));
  }

  private watch(r: KubeRequest, res: ServerResponse): void {
    const m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments$/.exec(r.path);
    if (!m) {
      this.send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
      return;
    }
    const name = /metadata\.name=([^,]+)/.exec(r.query.get('fieldSelector') ?? '')?.[1];
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders(); // kubectl waits for the headers before it starts its own timeout
    const watcher: Watcher = { namespace: m[1], name, res };
    this.watchers.add(watcher);
    res.on('close', () => this.watchers.delete(watcher));
    // anything that changed since the list the client watches from
    const since = Number(r.query.get('resourceVersion') ?? '0');
    for (const d of this.deployments.values()) {
      if (this.matches(watcher, d) && Number(d.metadata.resourceVersion) > since) {
        res.write(JSON.stringify({ type: 'MODIFIED', object: d }) + '\n');
      }
    }
  }

  private matches(w: Watcher, d: any): boolean {
    return d.metadata.namespace === w.namespace && (!w.name || d.metadata.name === w.name);
  }

  private notify(d: any): void {
    for (const w of this.watchers) if (this.matches(w, d)) w.res.write(JSON.stringify({ type: 'MODIFIED', object: d }) + '\n');
  }

  /** The simulated deployment controller, after a spec change. */
  private progress(key: string): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      const d = this.deployments.get(key);
      if (!d) return;
      const replicas = d.spec.replicas ?? 1;
      const behaviour = this.rollouts.get(key) ?? 'complete';
      if (behaviour === 'complete') d.status = this.completeStatus(d.metadata.generation, replicas);
      else if (behaviour === 'stuck') {
        d.status = {
          ...d.status,
          observedGeneration: d.metadata.generation,
          replicas: replicas + 1,
          updatedReplicas: 1,
          availableReplicas: replicas,
          readyReplicas: replicas,
        };
      } else {
        d.status = {
          observedGeneration: d.metadata.generation,
          replicas: replicas + 1,
          updatedReplicas: 1,
          readyReplicas: replicas,
          availableReplicas: replicas,
          conditions: [
            { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: `ReplicaSet "${d.metadata.name}-2" has timed out progressing.`,
            },
          ],
        };
      }
      d.metadata.resourceVersion = this.nextVersion();
      this.notify(d);
    }, this.options.rolloutDelayMs);
    this.timers.add(t);
  }

  private handle(r: KubeRequest): [number, unknown] {
    const notFound: [number, unknown] = [404, status(404, 'NotFound', 'the server could not find the requested resource')];
    if (r.method === 'GET') {
      if (r.path === '/version') return [200, SERVER_VERSION];
      if (r.path === '/api') {
        return [
          200,
          {
            kind: 'APIVersions',
            versions: ['v1'],
            serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: this.url.replace('http://', '') }],
          },
        ];
      }
      if (r.path === '/apis') {
        const v = { groupVersion: 'apps/v1', version: 'v1' };
        return [200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [{ name: 'apps', versions: [v], preferredVersion: v }] }];
      }
      if (r.path === '/api/v1') return [200, CORE_RESOURCES];
      if (r.path === '/apis/apps/v1') return [200, APPS_RESOURCES];
      // every namespace exists (kubectl looks one up to explain a NotFound)
      const ns = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(r.path);
      if (ns) return [200, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns[1] }, status: { phase: 'Active' } }];
    }

    let m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments(?:\/([^/]+))?$/.exec(r.path);
    if (m) {
      const [, ns, name] = m;
      if (!name && r.method === 'GET') {
        const wanted = /metadata\.name=([^,]+)/.exec(r.query.get('fieldSelector') ?? '')?.[1];
        const items = [...this.deployments.values()].filter((d) => d.metadata.namespace === ns && (!wanted || d.metadata.name === wanted));
        return [200, { kind: 'DeploymentList', apiVersion: 'apps/v1', metadata: { resourceVersion: String(this.resourceVersion) }, items }];
      }
      if (!name) return notFound;
      const key = `${ns}/${name}`;
      const d = this.deployments.get(key);
      if (!d) return [404, status(404, 'NotFound', `deployments.apps "${name}" not found`, { name, group: 'apps', kind: 'deployments' })];
      if (r.method === 'GET') return [200, d];
      if (r.method === 'PATCH') {
        const patch = r.body;
        if (!isObject(patch)) return [400, status(400, 'BadRequest', 'the patch is not a JSON object')];
        const before = JSON.stringify(d.spec);
        const next = r.contentType === 'application/strategic-merge-patch+json' ? strategicMergePatch(d, patch) : mergePatch(d, patch);
        next.metadata = { ...d.metadata };
        next.status = d.status;
        if (JSON.stringify(next.spec) !== before) {
          next.metadata.generation = d.metadata.generation + 1;
          next.metadata.resourceVersion = this.nextVersion();
          this.deployments.set(key, next);
          this.notify(next);
          this.progress(key);
        }
        return [200, this.deployments.get(key)];
      }
      return [405, status(405, 'MethodNotAllowed', `${r.method} is not supported by this stub`)];
    }

    m = /^\/api\/v1\/namespaces\/([^/]+)\/configmaps(?:\/([^/]+))?$/.exec(r.path);
    if (m) {
      const [, ns, name] = m;
      if (!name && r.method === 'POST') {
        const body = r.body;
        if (!isObject(body) || !body.metadata?.name)
          return [422, status(422, 'Invalid', 'ConfigMap "" is invalid: metadata.name: Required value')];
        const key = `${ns}/${body.metadata.name}`;
        if (this.configMaps.has(key)) {
          return [
            409,
            status(409, 'AlreadyExists', `configmaps "${body.metadata.name}" already exists`, {
              name: body.metadata.name,
              kind: 'configmaps',
            }),
          ];
        }
        if (r.query.get('dryRun')) return [201, body];
        const object = {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          data: body.data ?? {},
          metadata: {
            ...body.metadata,
            namespace: ns,
            uid: `uid-cm-${body.metadata.name}`,
            resourceVersion: this.nextVersion(),
            creationTimestamp: new Date().toISOString(),
          },
        };
        this.configMaps.set(key, object);
        return [201, object];
      }
      if (!name) return notFound;
      const key = `${ns}/${name}`;
      const cm = this.configMaps.get(key);
      if (!cm) return [404, status(404, 'NotFound', `configmaps "${name}" not found`, { name, kind: 'configmaps' })];
      if (r.method === 'GET') return [200, cm];
      if (r.method === 'PATCH' || r.method === 'PUT') {
        const body = r.body;
        if (!isObject(body)) return [400, status(400, 'BadRequest', 'the body is not a JSON object')];
        const rv = body.metadata?.resourceVersion;
        if (rv !== undefined && rv !== cm.metadata.resourceVersion) {
          return [
            409,
            status(
              409,
              'Conflict',
              `Operation cannot be fulfilled on configmaps "${name}": the object has been modified; please apply your changes to the latest version and try again`,
              {
                name,
                kind: 'configmaps',
              },
            ),
          ];
        }
        const next =
          r.method === 'PUT'
            ? clone(body)
            : r.contentType === 'application/strategic-merge-patch+json'
              ? strategicMergePatch(cm, body)
              : mergePatch(cm, body);
        next.metadata = { ...cm.metadata, resourceVersion: this.nextVersion() };
        this.configMaps.set(key, next);
        return [200, next];
      }
      return [405, status(405, 'MethodNotAllowed', `${r.method} is not supported by this stub`)];
    }
    return notFound;
  }
}
