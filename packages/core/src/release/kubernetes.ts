/**
 * The kubernetes target: `kubectl set image deployment/<deployment> <container>=<image>` to the
 * recorded version, then `kubectl rollout status --timeout`. A rollout that does not finish is
 * reported and fails the step; it is never undone (no flipping back and forth).
 */
import { parseError, UserError } from '../errors.js';
import { numberOutput } from '../util/format.js';
import {
  readDeployment,
  readReplicaSets,
  rolloutProgress,
  selectorArgument,
  type Container,
  type DeploymentView,
  type ReplicaSetView,
} from './deployment.js';
import { imageFor, imageVersions, parseImage } from './image.js';
import { kubectlMessage, type Kubectl } from './kubectl.js';
import type { ReleaseEvent } from './ledger.js';
import { TargetFailure, type LiveReading, type Target, type UnsettledReading } from './target.js';

export interface KubernetesTargetOptions {
  deployment: string;
  /** Default: the deployment's only container. */
  container?: string;
  /** The image repository (without tag). Default: the repository of the image running now. */
  imageRepository?: string;
  rolloutTimeoutSeconds: number;
}

/** The container to change (pure): the one named, or the only one. */
export function chooseContainer(containers: Container[], wanted: string | undefined, deployment: string): Container {
  const names = containers.map((c) => c.name).join(', ');
  if (wanted) {
    const c = containers.find((x) => x.name === wanted);
    if (!c)
      throw new UserError(`Input container is '${wanted}', but deployment ${deployment} has the containers: ${names}.`, {
        input: 'container',
      });
    return c;
  }
  if (containers.length !== 1) {
    throw new UserError(
      `Deployment ${deployment} has ${containers.length} containers (${names}): name the model server's in input container.`,
      { input: 'container' },
    );
  }
  return containers[0];
}

export class KubernetesTarget implements Target {
  readonly kind = 'kubernetes' as const;
  readonly description: string;
  private repository?: string;
  private container?: string;

  constructor(
    private readonly kubectl: Kubectl,
    private readonly options: KubernetesTargetOptions,
  ) {
    const ns = kubectl.options.namespace ? `${kubectl.options.namespace}/` : '';
    this.description = `deployment ${ns}${options.deployment}${options.container ? `, container ${options.container}` : ''}`;
    this.repository = options.imageRepository || undefined;
    this.container = options.container || undefined;
  }

  /**
   * What serves: the container's image in the deployment's spec once its rollout is complete;
   * before that (or after it failed) the images of its ReplicaSets and their available replicas.
   */
  async live(): Promise<LiveReading> {
    const d = await this.deployment();
    const c = chooseContainer(d.containers, this.options.container, this.options.deployment);
    this.container = c.name;
    this.repository ??= parseImage(c.image).repository;
    const progress = rolloutProgress(d);
    if (progress.complete) {
      return { aliases: imageVersions(c.image), source: `image ${c.image} of container ${c.name} in ${this.description}` };
    }
    return {
      aliases: [],
      source: `${this.description}: ${progress.why}`,
      unsettled: { asked: imageVersions(c.image), ...(await this.replicaSets(d, c.name)) },
    };
  }

  private async deployment(): Promise<DeploymentView> {
    const args = ['get', 'deployment', this.options.deployment, '-o', 'json'];
    const r = await this.kubectl.run(args);
    const failure = `Reading deployment ${this.options.deployment} failed: \`${this.kubectl.commandLine(args)}\``;
    if (r.code !== 0) throw new UserError(`${failure} exited with ${r.code}: ${kubectlMessage(r)}`, { input: 'deployment' });
    const d = readDeployment(r.stdout);
    if (!d.ok) throw new UserError(`${failure}: ${d.error}.`, { input: 'deployment' });
    return d.value;
  }

  /**
   * The deployment's ReplicaSets (selected by its selector, owned by it): each one's image of the
   * container, available replicas and revision. A failure to list them is told, not thrown: the
   * rollout is not complete either way, and a rollback then needs an explicit version.
   */
  private async replicaSets(d: DeploymentView, container: string): Promise<Pick<UnsettledReading, 'replicaSets' | 'unreadable'>> {
    const args = ['get', 'replicasets', '-l', selectorArgument(d.selector), '-o', 'json'];
    const r = await this.kubectl.run(args);
    const sets = r.code === 0 ? readReplicaSets(r.stdout, d.uid) : parseError<ReplicaSetView[]>(kubectlMessage(r));
    if (!sets.ok) return { replicaSets: [], unreadable: `\`${this.kubectl.commandLine(args)}\`: ${sets.error}` };
    return {
      replicaSets: sets.value.flatMap((rs) => {
        const image = rs.containers.find((x) => x.name === container)?.image;
        return image ? [{ aliases: imageVersions(image), available: rs.available, revision: rs.revision }] : [];
      }),
    };
  }

  /** The image to set: the one recorded with the release, else repository:version. */
  imageOf(to: ReleaseEvent): string {
    if (to.image) return to.image;
    if (!this.repository) throw new UserError(`The image repository of ${to.version} is unknown: give input image.`, { input: 'image' });
    return imageFor(this.repository, to.version);
  }

  private setImageArgs(to: ReleaseEvent): string[] {
    return ['set', 'image', `deployment/${this.options.deployment}`, `${this.container ?? '<container>'}=${this.imageOf(to)}`];
  }

  private statusArgs(): string[] {
    // numberOutput: the value itself for kubectl (1.5s stays 1.5s), not a rounded rendering
    return ['rollout', 'status', `deployment/${this.options.deployment}`, `--timeout=${numberOutput(this.options.rolloutTimeoutSeconds)}s`];
  }

  plan(to: ReleaseEvent): string[] {
    return [this.kubectl.commandLine(this.setImageArgs(to)), this.kubectl.commandLine(this.statusArgs())];
  }

  async apply(to: ReleaseEvent, from: string): Promise<void> {
    const set = this.setImageArgs(to);
    const r = await this.kubectl.run(set);
    if (r.code !== 0) {
      throw new TargetFailure(
        `\`${this.kubectl.commandLine(set)}\` exited with ${r.code}: ${kubectlMessage(r)} Nothing was changed: ${from} still serves.`,
        false,
        {
          input: 'deployment',
        },
      );
    }
    const wait = this.statusArgs();
    const s = await this.kubectl.run(wait);
    if (s.code !== 0) {
      throw new TargetFailure(
        `The rollout of ${to.version} did not complete: \`${this.kubectl.commandLine(wait)}\` exited with ${s.code}: ${kubectlMessage(s)} ` +
          `The deployment is left as it is (${to.version} set, not rolled back again to ${from}): look at its pods (kubectl describe deployment/${this.options.deployment}).`,
        true,
        { input: 'rollout-timeout' },
      );
    }
  }
}
