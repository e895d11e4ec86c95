/**
 * A Kubernetes Deployment and its ReplicaSets as a rollback reads them (pure): what
 * `kubectl get deployment -o json` and `kubectl get replicasets -o json` print, narrowed from
 * unknown JSON, and whether the deployment's rollout is complete, decided exactly as
 * `kubectl rollout status` decides it. The spec says what a deployment is asked to run; only a
 * complete rollout makes that what serves. Otherwise the ReplicaSets with available replicas are
 * what serves (a new one that never became available serves nothing).
 */
import { parseError, parsed, type ParseResult } from '../errors.js';
import { numberOutput } from '../util/format.js';
import { array, count, object, readKubectlJson, text } from './kubectl-json.js';

export interface Container {
  name: string;
  image: string;
}

export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: { key: string; operator: string; values: string[] }[];
}

export interface DeploymentView {
  name: string;
  uid: string;
  generation: number;
  /** spec.replicas (the API's default: 1). */
  replicas: number;
  selector: LabelSelector;
  containers: Container[];
  status: {
    observedGeneration: number;
    replicas: number;
    updatedReplicas: number;
    availableReplicas: number;
    /** The Progressing condition, when there is one. */
    progressing?: { status: string; reason: string; message: string };
  };
}

export interface ReplicaSetView {
  name: string;
  /** deployment.kubernetes.io/revision: the newest is the one the deployment's spec asks for. */
  revision: number;
  containers: Container[];
  /** status.availableReplicas (the API leaves out a zero). */
  available: number;
  /** spec.replicas. */
  replicas: number;
}

/** The condition reason of a rollout past its progressDeadlineSeconds (kubectl's TimedOutReason). */
export const PROGRESS_DEADLINE_EXCEEDED = 'ProgressDeadlineExceeded';

function containersOf(podTemplate: unknown): Container[] {
  return array(object(object(podTemplate).spec).containers).map((c) => ({ name: text(object(c).name), image: text(object(c).image) }));
}

/** A Deployment from `kubectl get deployment NAME -o json`. */
export function readDeployment(json: string): ParseResult<DeploymentView> {
  const doc = readKubectlJson(json, 'the deployment');
  if (!doc.ok) return doc;
  const { metadata, spec, status } = {
    metadata: object(doc.value.metadata),
    spec: object(doc.value.spec),
    status: object(doc.value.status),
  };
  if (doc.value.kind !== 'Deployment') return parseError(`kubectl printed a ${text(doc.value.kind) || 'document'}, not a Deployment`);
  const selector = object(spec.selector);
  const progressing = array(status.conditions)
    .map(object)
    .find((c) => c.type === 'Progressing');
  return parsed({
    name: text(metadata.name),
    uid: text(metadata.uid),
    generation: count(metadata.generation),
    replicas: count(spec.replicas, 1),
    selector: {
      matchLabels: Object.fromEntries(Object.entries(object(selector.matchLabels)).map(([k, v]) => [k, text(v)])),
      matchExpressions: array(selector.matchExpressions).map((e) => ({
        key: text(object(e).key),
        operator: text(object(e).operator),
        values: array(object(e).values).map(text),
      })),
    },
    containers: containersOf(object(spec.template)),
    status: {
      observedGeneration: count(status.observedGeneration),
      replicas: count(status.replicas),
      updatedReplicas: count(status.updatedReplicas),
      availableReplicas: count(status.availableReplicas),
      ...(progressing
        ? { progressing: { status: text(progressing.status), reason: text(progressing.reason), message: text(progressing.message) } }
        : {}),
    },
  });
}

/** The ReplicaSets a deployment controls (its uid in a controller ownerReference), from `kubectl get replicasets -o json`. */
export function readReplicaSets(json: string, ownerUid: string): ParseResult<ReplicaSetView[]> {
  const doc = readKubectlJson(json, 'the replica sets');
  if (!doc.ok) return doc;
  const owned = array(doc.value.items)
    .map(object)
    .filter((rs) => array(object(rs.metadata).ownerReferences).some((o) => object(o).controller === true && object(o).uid === ownerUid));
  return parsed(
    owned.map((rs) => {
      const metadata = object(rs.metadata);
      return {
        name: text(metadata.name),
        revision: Number(text(object(metadata.annotations)['deployment.kubernetes.io/revision'])) || 0,
        containers: containersOf(object(object(rs.spec).template)),
        available: count(object(rs.status).availableReplicas),
        replicas: count(object(rs.spec).replicas),
      };
    }),
  );
}

/** The selector as `kubectl get -l` takes it: `app=web,tier in (a,b),!canary`. */
export function selectorArgument(selector: LabelSelector): string {
  const labels = Object.entries(selector.matchLabels).map(([k, v]) => `${k}=${v}`);
  const expressions = selector.matchExpressions.map(({ key, operator, values }) => {
    if (operator === 'Exists') return key;
    if (operator === 'DoesNotExist') return `!${key}`;
    return `${key} ${operator === 'NotIn' ? 'notin' : 'in'} (${values.join(',')})`;
  });
  return [...labels, ...expressions].join(',');
}

/** "2 replicas", "1 replica": counts in messages. */
export const replicaCount = (n: number): string => `${numberOutput(n)} replica${n === 1 ? '' : 's'}`;

/**
 * Whether the deployment's rollout is complete, as `kubectl rollout status` decides it, and if
 * not, why, in its words: a change not yet observed by the controller, a progress deadline
 * exceeded, replicas not yet updated, old replicas still running, updated replicas not available.
 */
export function rolloutProgress(d: DeploymentView): { complete: true } | { complete: false; why: string } {
  const s = d.status;
  const incomplete = (why: string) => ({ complete: false as const, why });
  if (d.generation > s.observedGeneration) {
    return incomplete(`its latest change (generation ${numberOutput(d.generation)}) is not yet observed by the deployment controller`);
  }
  if (s.progressing?.reason === PROGRESS_DEADLINE_EXCEEDED) {
    return incomplete(`its rollout exceeded its progress deadline${s.progressing.message ? ` (${s.progressing.message})` : ''}`);
  }
  if (s.updatedReplicas < d.replicas) {
    return incomplete(`its rollout is not complete (${numberOutput(s.updatedReplicas)} of ${replicaCount(d.replicas)} updated)`);
  }
  if (s.replicas > s.updatedReplicas) {
    return incomplete(`its rollout is not complete (${replicaCount(s.replicas - s.updatedReplicas)} of an older version still running)`);
  }
  if (s.availableReplicas < s.updatedReplicas) {
    return incomplete(
      `its rollout is not complete (${numberOutput(s.availableReplicas)} of ${replicaCount(s.updatedReplicas)} updated available)`,
    );
  }
  return { complete: true };
}
