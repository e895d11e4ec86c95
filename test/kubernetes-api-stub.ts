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
//   updatedReplicas, readyReplicas, availableReplicas, unavailableReplicas and the
//   Progressing/Available conditions, as `kubectl rollout status` reads them (zero counts left
//   out, as the API server's omitempty leaves them out);
// - replicasets (apps/v1): GET one, GET the list with a labelSelector (equality- and set-based, as
//   `kubectl get replicasets -l` sends it). As the real deployment controller keeps them: one
//   ReplicaSet per pod template (named <deployment>-<pod-template-hash>, labelled and selected by
//   pod-template-hash, owned by the deployment through a controller ownerReference), its revision
//   in the annotation deployment.kubernetes.io/revision (a template that comes back reuses its
//   ReplicaSet with the next revision), and the deployment's status summed over them;
// - configmaps (v1): GET one, POST (create; 409 AlreadyExists), PATCH and PUT, with the
//   resourceVersion check of optimistic concurrency (409 Conflict).
//
// A spec change of a deployment bumps metadata.generation; a simulated controller then, after
// `rolloutDelayMs`, finds or makes the ReplicaSet of the new template and moves the replicas per
// the deployment's `rollout` behaviour:
// - 'complete': the new ReplicaSet has every replica available, the old ones are scaled to 0
//   (rollout status succeeds);
// - 'stuck': the new ReplicaSet gets its surge replica, which never becomes available; the old
//   ReplicaSet keeps serving every replica (rollout status --timeout runs out, exit 1), as when
//   the new image cannot be pulled or its pods never get ready;
// - 'deadline-exceeded': the same, after progressDeadlineSeconds: Progressing=False, reason
//   ProgressDeadlineExceeded (rollout status fails at once).
// Every request is recorded (method, path, query, content type, parsed body, answer status).
import { createHash } from 'node:crypto';
import { type Server, type ServerResponse } from 'node:http';
import { writeFile } from 'node:fs/promises';

import { answering, closeServer, listenOnLoopback, recordRequest, type RecordedRequest } from './loopback.js';

export type RolloutBehaviour = 'complete' | 'stuck' | 'deadline-exceeded';

/** A request as test/loopback.ts records it, with its content type (without parameters). */
export interface KubeRequest extends RecordedRequest {
  contentType: string;
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

/** A namespaced apps/v1 workload resource with every verb (in category all), and its status subresource. */
const workload = (name: string, kind: string, shortName: string) => [
  {
    name,
    singularName: kind.toLowerCase(),
    namespaced: true,
    kind,
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: [shortName],
    categories: ['all'],
  },
  { name: `${name}/status`, singularName: '', namespaced: true, kind, verbs: ['get', 'patch', 'update'] },
];

const APPS_RESOURCES = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'apps/v1',
  resources: [
    ...workload('replicasets', 'ReplicaSet', 'rs'),
    ...workload('deployments', 'Deployment', 'deploy'),
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

const NOT_FOUND: [number, unknown] = [404, status(404, 'NotFound', 'the server could not find the requested resource')];
const notSupported = (r: { method: string }): [number, unknown] => [
  405,
  status(405, 'MethodNotAllowed', `${r.method} is not supported by this stub`),
];

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

const REVISION = 'deployment.kubernetes.io/revision';

/**
 * The pod-template-hash of a template. Kubernetes hashes the template with FNV-32a and writes it
 * in its "safe" alphabet (no vowels, no 0/1/3); any stable hash of the template written in that
 * alphabet stands in for it.
 */
export function podTemplateHash(template: unknown): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const bytes = createHash('sha256').update(JSON.stringify(template)).digest();
  return [...bytes.subarray(0, 10)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** The requirements of a label selector, split on the commas outside `in (a,b)` lists. */
function requirements(selector: string): string[] {
  return selector
    .split(/,(?![^(]*\))/)
    .map((r) => r.trim())
    .filter(Boolean);
}

/**
 * Whether `labels` match a label selector as the API server reads `?labelSelector=`: equality
 * (`k=v`, `k==v`, `k!=v`), sets (`k in (a,b)`, `k notin (a,b)`) and existence (`k`, `!k`).
 */
export function matchesLabelSelector(labels: Record<string, string> = {}, selector: string): boolean {
  return requirements(selector).every((r) => {
    let m = /^(!?)([\w./-]+)$/.exec(r);
    if (m) return m[2] in labels !== (m[1] === '!');
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(r);
    if (m) return m[2] === '!=' ? labels[m[1]] !== m[3] : labels[m[1]] === m[3];
    m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(r);
    if (!m) throw new Error(`the stand-in cannot read the label selector requirement '${r}'`);
    const inSet = m[3].split(',').some((v) => v.trim() === labels[m[1]]);
    return m[2] === 'in' ? inSet : !inSet;
  });
}

/** An object with its zero and empty fields left out, as the API server's omitempty leaves them out. */
function omitEmpty<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== 0 && v !== undefined)) as T;
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
  /** "namespace/name" -> ReplicaSet object (the deployments' own, as the controller keeps them). */
  readonly replicaSets = new Map<string, any>();
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
      const record: KubeRequest = { ...(await recordRequest(req)), contentType: String(req.headers['content-type'] ?? '').split(';')[0] };
      this.requests.push(record);
      const failure = this.options.fail?.(record);
      if (failure) {
        record.status = failure.status;
        this.send(res, failure.status, status(failure.status, failure.reason, failure.message));
        return;
      }
      if (record.method === 'GET' && record.query.get('watch') === 'true') {
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

  /** Adds a deployment whose rollout is complete: one ReplicaSet (revision 1) serving every replica. */
  addDeployment(d: StubDeployment): any {
    const namespace = d.namespace ?? 'default';
    const replicas = d.replicas ?? 2;
    const object = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: d.name,
        namespace,
        uid: `uid-${d.name}`,
        generation: 1,
        resourceVersion: this.nextVersion(),
        creationTimestamp: '2025-01-01T00:00:00Z',
        labels: { app: d.name },
        annotations: { [REVISION]: '1' },
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
      status: {},
    };
    const key = `${namespace}/${d.name}`;
    this.deployments.set(key, object);
    this.rollouts.set(key, d.rollout ?? 'complete');
    const rs = this.currentReplicaSet(object);
    this.scale(rs, replicas, replicas);
    object.status = this.deploymentStatus(object, rs, 'complete');
    return object;
  }

  /** How the deployment's next rollouts go (a rollout in flight keeps its behaviour). */
  setRollout(name: string, behaviour: RolloutBehaviour, namespace = 'default'): void {
    this.rollouts.set(`${namespace}/${name}`, behaviour);
  }

  /** The image of a container of a deployment as the server holds it. */
  image(name: string, container: string, namespace = 'default'): string | undefined {
    const d = this.deployments.get(`${namespace}/${name}`);
    return d?.spec.template.spec.containers.find((c: any) => c.name === container)?.image;
  }

  /** The ReplicaSets of a deployment, oldest revision first. */
  replicaSetsOf(name: string, namespace = 'default'): any[] {
    const d = this.deployments.get(`${namespace}/${name}`);
    return d ? this.owned(d) : [];
  }

  /** What serves a deployment's container: the image of each ReplicaSet with available replicas, and how many. */
  serving(name: string, container: string, namespace = 'default'): Record<string, number> {
    const out: Record<string, number> = {};
    for (const rs of this.replicaSetsOf(name, namespace)) {
      const available = rs.status.availableReplicas ?? 0;
      const image = rs.spec.template.spec.containers.find((c: any) => c.name === container)?.image;
      if (available > 0) out[image] = (out[image] ?? 0) + available;
    }
    return out;
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

  private owned(d: any): any[] {
    return [...this.replicaSets.values()]
      .filter((rs) => rs.metadata.namespace === d.metadata.namespace && rs.metadata.ownerReferences[0].uid === d.metadata.uid)
      .sort((a, b) => Number(a.metadata.annotations[REVISION]) - Number(b.metadata.annotations[REVISION]));
  }

  /**
   * The ReplicaSet of the deployment's current template, as the controller finds or makes it:
   * a template seen before reuses its ReplicaSet, which then gets the next revision.
   */
  private currentReplicaSet(d: any): any {
    const hash = podTemplateHash(d.spec.template);
    const key = `${d.metadata.namespace}/${d.metadata.name}-${hash}`;
    const owned = this.owned(d);
    const next = String(owned.length ? Number(owned[owned.length - 1].metadata.annotations[REVISION]) + 1 : 1);
    let rs = this.replicaSets.get(key);
    if (!rs) {
      rs = this.newReplicaSet(d, hash, next);
      this.replicaSets.set(key, rs);
    } else if (rs !== owned[owned.length - 1]) {
      rs.metadata.annotations[REVISION] = next;
    }
    d.metadata.annotations = { ...d.metadata.annotations, [REVISION]: rs.metadata.annotations[REVISION] };
    return rs;
  }

  /** A ReplicaSet of the deployment's template, with no replicas yet. */
  private newReplicaSet(d: any, hash: string, revision: string): any {
    const name = `${d.metadata.name}-${hash}`;
    const labels = { ...d.spec.template.metadata.labels, 'pod-template-hash': hash };
    const owner = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: d.metadata.name,
      uid: d.metadata.uid,
      controller: true,
      blockOwnerDeletion: true,
    };
    return {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name,
        namespace: d.metadata.namespace,
        uid: `uid-rs-${name}`,
        generation: 1,
        creationTimestamp: '2025-01-01T00:00:00Z',
        labels,
        annotations: { [REVISION]: revision, 'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas) },
        ownerReferences: [owner],
      },
      spec: {
        replicas: 0,
        selector: { matchLabels: { ...d.spec.selector.matchLabels, 'pod-template-hash': hash } },
        template: { ...clone(d.spec.template), metadata: { labels } },
      },
      status: { replicas: 0 },
    };
  }

  /** Sets a ReplicaSet's replicas, `available` of them ready and available. */
  private scale(rs: any, replicas: number, available: number): void {
    rs.spec.replicas = replicas;
    rs.status = omitEmpty({
      replicas,
      fullyLabeledReplicas: replicas,
      readyReplicas: available,
      availableReplicas: available,
      observedGeneration: rs.metadata.generation,
    });
    rs.metadata.resourceVersion = this.nextVersion();
  }

  /** The deployment's status as the controller sums it over its ReplicaSets. */
  private deploymentStatus(d: any, current: any, behaviour: RolloutBehaviour) {
    const all = this.owned(d);
    const sum = (f: (rs: any) => number | undefined) => all.reduce((n, rs) => n + (f(rs) ?? 0), 0);
    const replicas = sum((rs) => rs.status.replicas);
    const available = sum((rs) => rs.status.availableReplicas);
    const rsName = current.metadata.name;
    const progressing = {
      complete: { status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.` },
      stuck: { status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rsName}" is progressing.` },
      'deadline-exceeded': {
        status: 'False',
        reason: 'ProgressDeadlineExceeded',
        message: `ReplicaSet "${rsName}" has timed out progressing.`,
      },
    }[behaviour];
    return {
      ...omitEmpty({
        observedGeneration: d.metadata.generation,
        replicas,
        updatedReplicas: current.status.replicas,
        readyReplicas: sum((rs) => rs.status.readyReplicas),
        availableReplicas: available,
        unavailableReplicas: Math.max(0, replicas - available),
      }),
      conditions: [
        available >= d.spec.replicas - Math.floor(d.spec.replicas / 4)
          ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
          : {
              type: 'Available',
              status: 'False',
              reason: 'MinimumReplicasUnavailable',
              message: 'Deployment does not have minimum availability.',
            },
        { type: 'Progressing', ...progressing },
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

  /**
   * The simulated deployment controller, after a spec change: the new template's ReplicaSet gets
   * every replica (complete), or its surge replica, never available, while the old ones keep
   * serving (stuck, deadline-exceeded).
   */
  private progress(key: string): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      const d = this.deployments.get(key);
      if (!d) return;
      const replicas = d.spec.replicas ?? 1;
      const behaviour = this.rollouts.get(key) ?? 'complete';
      const current = this.currentReplicaSet(d);
      if (behaviour === 'complete') {
        this.scale(current, replicas, replicas);
        for (const rs of this.owned(d)) if (rs !== current) this.scale(rs, 0, 0);
      } else {
        this.scale(current, Math.max(1, Math.ceil(replicas / 4)), 0); // maxSurge 25%
      }
      d.status = this.deploymentStatus(d, current, behaviour);
      d.metadata.resourceVersion = this.nextVersion();
      this.notify(d);
    }, this.options.rolloutDelayMs);
    this.timers.add(t);
  }

  /** GET one ReplicaSet, or the list of a namespace (`?labelSelector=` as the API server reads it). */
  private getReplicaSets(r: KubeRequest, ns: string, name: string | undefined): [number, unknown] {
    if (name) {
      const rs = this.replicaSets.get(`${ns}/${name}`);
      if (!rs) return [404, status(404, 'NotFound', `replicasets.apps "${name}" not found`, { name, group: 'apps', kind: 'replicasets' })];
      return [200, rs];
    }
    const selector = r.query.get('labelSelector') ?? '';
    const items = [...this.replicaSets.values()].filter(
      (rs) => rs.metadata.namespace === ns && matchesLabelSelector(rs.metadata.labels, selector),
    );
    return [200, { kind: 'ReplicaSetList', apiVersion: 'apps/v1', metadata: { resourceVersion: String(this.resourceVersion) }, items }];
  }

  /** The answer to a request, by resource: discovery, deployments, replicasets, configmaps; anything else 404. */
  private handle(r: KubeRequest): [number, unknown] {
    const discovery = r.method === 'GET' ? this.discovery(r.path) : undefined;
    if (discovery) return discovery;
    let m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments(?:\/([^/]+))?$/.exec(r.path);
    if (m) return this.deploymentRequest(r, m[1], m[2]);
    m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/replicasets(?:\/([^/]+))?$/.exec(r.path);
    if (m) return r.method === 'GET' ? this.getReplicaSets(r, m[1], m[2]) : notSupported(r);
    m = /^\/api\/v1\/namespaces\/([^/]+)\/configmaps(?:\/([^/]+))?$/.exec(r.path);
    if (m && !m[2]) return r.method === 'POST' ? this.createConfigMap(r, m[1]) : NOT_FOUND;
    if (m) return this.configMapRequest(r, m[1], m[2]);
    return NOT_FOUND;
  }

  /** The legacy discovery documents (and every namespace, which kubectl looks up to explain a NotFound). */
  private discovery(path: string): [number, unknown] | undefined {
    if (path === '/version') return [200, SERVER_VERSION];
    if (path === '/api') {
      const serverAddressByClientCIDRs = [{ clientCIDR: '0.0.0.0/0', serverAddress: this.url.replace('http://', '') }];
      return [200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs }];
    }
    if (path === '/apis') {
      const v = { groupVersion: 'apps/v1', version: 'v1' };
      return [200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [{ name: 'apps', versions: [v], preferredVersion: v }] }];
    }
    if (path === '/api/v1') return [200, CORE_RESOURCES];
    if (path === '/apis/apps/v1') return [200, APPS_RESOURCES];
    const ns = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(path);
    return ns ? [200, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns[1] }, status: { phase: 'Active' } }] : undefined;
  }

  /** GET the list (fieldSelector metadata.name=...), GET one, PATCH one (a spec change starts a rollout). */
  private deploymentRequest(r: KubeRequest, ns: string, name: string | undefined): [number, unknown] {
    if (!name && r.method === 'GET') {
      const wanted = /metadata\.name=([^,]+)/.exec(r.query.get('fieldSelector') ?? '')?.[1];
      const items = [...this.deployments.values()].filter((d) => d.metadata.namespace === ns && (!wanted || d.metadata.name === wanted));
      return [200, { kind: 'DeploymentList', apiVersion: 'apps/v1', metadata: { resourceVersion: String(this.resourceVersion) }, items }];
    }
    if (!name) return NOT_FOUND;
    const key = `${ns}/${name}`;
    const d = this.deployments.get(key);
    if (!d) return [404, status(404, 'NotFound', `deployments.apps "${name}" not found`, { name, group: 'apps', kind: 'deployments' })];
    if (r.method === 'GET') return [200, d];
    if (r.method !== 'PATCH') return notSupported(r);
    const patch = r.body;
    if (!isObject(patch)) return [400, status(400, 'BadRequest', 'the patch is not a JSON object')];
    const next = r.contentType === 'application/strategic-merge-patch+json' ? strategicMergePatch(d, patch) : mergePatch(d, patch);
    next.metadata = { ...d.metadata };
    next.status = d.status;
    if (JSON.stringify(next.spec) !== JSON.stringify(d.spec)) {
      next.metadata.generation = d.metadata.generation + 1;
      next.metadata.resourceVersion = this.nextVersion();
      this.deployments.set(key, next);
      this.notify(next);
      this.progress(key);
    }
    return [200, this.deployments.get(key)];
  }

  /** POST: 409 AlreadyExists when it exists, as for two first writers. */
  private createConfigMap(r: KubeRequest, ns: string): [number, unknown] {
    const body = r.body;
    if (!isObject(body) || !body.metadata?.name)
      return [422, status(422, 'Invalid', 'ConfigMap "" is invalid: metadata.name: Required value')];
    const name: string = body.metadata.name;
    const key = `${ns}/${name}`;
    if (this.configMaps.has(key))
      return [409, status(409, 'AlreadyExists', `configmaps "${name}" already exists`, { name, kind: 'configmaps' })];
    if (r.query.get('dryRun')) return [201, body];
    const object = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      data: body.data ?? {},
      metadata: {
        ...body.metadata,
        namespace: ns,
        uid: `uid-cm-${name}`,
        resourceVersion: this.nextVersion(),
        creationTimestamp: new Date().toISOString(),
      },
    };
    this.configMaps.set(key, object);
    return [201, object];
  }

  /** GET, PATCH, PUT one; a write carrying a stale resourceVersion gets 409 Conflict (optimistic concurrency). */
  private configMapRequest(r: KubeRequest, ns: string, name: string): [number, unknown] {
    const key = `${ns}/${name}`;
    const cm = this.configMaps.get(key);
    if (!cm) return [404, status(404, 'NotFound', `configmaps "${name}" not found`, { name, kind: 'configmaps' })];
    if (r.method === 'GET') return [200, cm];
    if (r.method !== 'PATCH' && r.method !== 'PUT') return notSupported(r);
    const body = r.body;
    if (!isObject(body)) return [400, status(400, 'BadRequest', 'the body is not a JSON object')];
    const rv = body.metadata?.resourceVersion;
    if (rv !== undefined && rv !== cm.metadata.resourceVersion) {
      const message = `Operation cannot be fulfilled on configmaps "${name}": the object has been modified; please apply your changes to the latest version and try again`;
      return [409, status(409, 'Conflict', message, { name, kind: 'configmaps' })];
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
}
