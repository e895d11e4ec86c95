// A loopback STAND-IN for the two services @actions/artifact 6.2.1 talks to inside a GitHub Actions
// job, so that tests can run the real library end to end without GitHub:
//
// 1. the Actions results service's Twirp JSON API (ACTIONS_RESULTS_URL), as the library's
//    generated client calls it (lib/generated/results/api/v1/artifact.twirp-client.js): POST
//    /twirp/github.actions.results.api.v1.ArtifactService/{CreateArtifact, FinalizeArtifact,
//    ListArtifacts, GetSignedArtifactURL, DeleteArtifact} with protobuf-JSON bodies (proto field
//    names, int64 as strings, wrapper types as plain values), a Bearer ACTIONS_RUNTIME_TOKEN, and
//    Twirp errors as `{code, msg}` with the matching HTTP status (a name already taken in the run:
//    409 already_exists "an artifact with this name already exists on the workflow run", the real
//    service's words);
// 2. the Azure Blob storage the signed URLs point at (here: back at this server): the block blob
//    upload @azure/storage-blob's uploadStream performs (Put Block `?comp=block&blockid=...`, then
//    Put Block List `?comp=blocklist` with the XML block list), a single Put Blob, and the plain GET
//    of a signed download URL answering the stored zip. A request without the signature the
//    stand-in issued answers 403 AuthenticationFailed, as Azure does.
//
// It records every request (method, path, Twirp body) so tests can assert what the client sent.
// What it does not do: check the token's signature (tests build an unsigned JWT), expire URLs,
// enforce retention, or speak the protobuf (binary) Twirp encoding, which the library never uses.
import { randomBytes, createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { answering, closeServer, listenOnLoopback } from './loopback.js';

const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.ArtifactService/';

/** A request as the stand-in recorded it. */
export interface ArtifactServiceRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  /** The Twirp method (CreateArtifact, ...) for Twirp calls. */
  twirp?: string;
  /** The Twirp request body (parsed JSON). */
  body?: any;
  /** Bytes of a blob request body. */
  bytes: number;
  authorization?: string;
  status: number;
}

/** An artifact the stand-in keeps. */
export interface StoredArtifact {
  id: number;
  name: string;
  runBackendId: string;
  jobBackendId: string;
  /** The blob's key (its path under /blob/). */
  blobPath: string;
  finalized: boolean;
  size?: number;
  /** As FinalizeArtifact sent it: "sha256:<hex>". */
  hash?: string;
  createdAt: Date;
  /** What a download of it answers instead of the stored bytes (a fault for tests). */
  downloadFault?: { status: number } | { bytes: Buffer };
}

interface StoredBlob {
  sig: string;
  blocks: Map<string, Buffer>;
  data?: Buffer;
  contentType?: string;
}

interface TwirpReply {
  status: number;
  json: unknown;
}

const twirpError = (status: number, code: string, msg: string): TwirpReply => ({ status, json: { code, msg } });

/** The backend ids an ACTIONS_RUNTIME_TOKEN carries in its `scp` claim (Actions.Results:<run>:<job>). */
export function backendIdsOf(authorization: string | undefined): { run: string; job: string } | undefined {
  const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    for (const scope of String(claims.scp ?? '').split(' ')) {
      const [kind, run, job] = scope.split(':');
      if (kind === 'Actions.Results' && run && job) return { run, job };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * An ACTIONS_RUNTIME_TOKEN shaped like the runner's: a JWT whose `scp` claim holds
 * `Actions.Results:<runBackendId>:<jobBackendId>`. UNSIGNED (alg "none", empty signature): the
 * library only decodes it (jwt-decode) and this stand-in does not verify it.
 */
export function unsignedRuntimeToken(runBackendId: string, jobBackendId: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ typ: 'JWT', alg: 'none' })}.${part({ scp: `Actions.GenericRead:00000000 Actions.Results:${runBackendId}:${jobBackendId}`, iat: now, exp: now + 3600 })}.`;
}

/** The Actions results service and its blob storage, on 127.0.0.1. */
export class ArtifactServiceStand {
  readonly requests: ArtifactServiceRequest[] = [];
  readonly artifacts: StoredArtifact[] = [];
  /** The base URL to give as ACTIONS_RESULTS_URL (set once listening). */
  url = '';
  private readonly blobs = new Map<string, StoredBlob>();
  private nextId = 1000;
  private readonly server = answering((req, res) => this.handle(req, res));

  /** Starts a stand-in on a free port of 127.0.0.1. */
  static async start(): Promise<ArtifactServiceStand> {
    const stand = new ArtifactServiceStand();
    stand.url = await listenOnLoopback(stand.server);
    return stand;
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  /** The recorded Twirp calls of `method` (all of them without one). */
  twirpCalls(method?: string): ArtifactServiceRequest[] {
    return this.requests.filter((r) => r.twirp !== undefined && (method === undefined || r.twirp === method));
  }

  /** The recorded blob storage requests. */
  blobCalls(): ArtifactServiceRequest[] {
    return this.requests.filter((r) => r.path.startsWith('/blob/'));
  }

  /**
   * Adds a finalized artifact as if a job of run `runBackendId` had uploaded `zip` (another attempt
   * of a re-run job, a crafted archive); `hash` false: listed without a digest (artifacts of old clients).
   */
  seed(runBackendId: string, jobBackendId: string, name: string, zip: Buffer, hash = true): StoredArtifact {
    const artifact = this.create(runBackendId, jobBackendId, name);
    const blob = this.blobs.get(artifact.blobPath)!;
    blob.data = zip;
    blob.contentType = 'application/zip';
    Object.assign(artifact, {
      finalized: true,
      size: zip.length,
      hash: hash ? `sha256:${createHash('sha256').update(zip).digest('hex')}` : undefined,
    });
    return artifact;
  }

  /** The bytes stored for an artifact (the zip the client uploaded). */
  blobOf(artifact: StoredArtifact): Buffer | undefined {
    return this.blobs.get(artifact.blobPath)?.data;
  }

  private create(run: string, job: string, name: string): StoredArtifact {
    const id = this.nextId++;
    const blobPath = `/blob/actions-results/${run}/${job}/${id}/${encodeURIComponent(name)}.zip`;
    this.blobs.set(blobPath, { sig: randomBytes(16).toString('base64url'), blocks: new Map() });
    const artifact: StoredArtifact = { id, name, runBackendId: run, jobBackendId: job, blobPath, finalized: false, createdAt: new Date() };
    this.artifacts.push(artifact);
    return artifact;
  }

  private signedUrl(artifact: StoredArtifact, permissions: string): string {
    const blob = this.blobs.get(artifact.blobPath)!;
    const expiry = new Date(Date.now() + 3600_000).toISOString();
    return `${this.url}${artifact.blobPath}?sv=2025-01-05&se=${encodeURIComponent(expiry)}&sr=b&sp=${permissions}&sig=${blob.sig}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://stand');
    const record: ArtifactServiceRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      bytes: raw.length,
      authorization: req.headers.authorization,
      status: 0,
    };
    this.requests.push(record);
    if (url.pathname.startsWith(TWIRP_PREFIX)) {
      record.twirp = url.pathname.slice(TWIRP_PREFIX.length);
      const reply = this.twirp(record, raw, req);
      record.status = reply.status;
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.json));
      return;
    }
    this.blob(record, raw, req, res);
  }

  private twirp(record: ArtifactServiceRequest, raw: Buffer, req: IncomingMessage): TwirpReply {
    if (req.method !== 'POST') return twirpError(405, 'bad_route', 'Twirp methods are POST');
    if (!String(req.headers['content-type']).startsWith('application/json')) return twirpError(400, 'malformed', 'expected JSON');
    try {
      record.body = JSON.parse(raw.toString('utf8'));
    } catch {
      return twirpError(400, 'malformed', 'the body is not JSON');
    }
    const ids = backendIdsOf(record.authorization);
    if (!ids) return twirpError(401, 'unauthenticated', 'no valid runtime token');
    const body = record.body;
    if (body.workflow_run_backend_id !== ids.run) return twirpError(403, 'permission_denied', 'the token is not for this workflow run');
    switch (record.twirp) {
      case 'CreateArtifact':
        return this.createArtifact(body, ids.job);
      case 'FinalizeArtifact':
        return this.finalizeArtifact(body);
      case 'ListArtifacts':
        return this.listArtifacts(body);
      case 'GetSignedArtifactURL':
        return this.getSignedUrl(body);
      case 'DeleteArtifact':
        return this.deleteArtifact(body);
      default:
        return twirpError(404, 'bad_route', `no method ${record.twirp}`);
    }
  }

  private createArtifact(body: any, tokenJob: string): TwirpReply {
    if (body.workflow_job_run_backend_id !== tokenJob) return twirpError(403, 'permission_denied', 'the token is not for this job');
    if (body.version !== 7) return twirpError(400, 'invalid_argument', `unsupported artifact version ${body.version}`);
    // The real service refuses a name taken in the run attempt; artifacts of earlier attempts (same
    // name, other job ids) are added with seed().
    const taken = this.artifacts.some((a) => a.runBackendId === body.workflow_run_backend_id && a.name === body.name);
    if (taken) return twirpError(409, 'already_exists', 'an artifact with this name already exists on the workflow run');
    const artifact = this.create(body.workflow_run_backend_id, tokenJob, body.name);
    return { status: 200, json: { ok: true, signed_upload_url: this.signedUrl(artifact, 'cw') } };
  }

  private finalizeArtifact(body: any): TwirpReply {
    const artifact = this.artifacts.find(
      (a) =>
        a.runBackendId === body.workflow_run_backend_id &&
        a.jobBackendId === body.workflow_job_run_backend_id &&
        a.name === body.name &&
        !a.finalized,
    );
    if (!artifact) return twirpError(404, 'not_found', 'artifact not found');
    const data = this.blobs.get(artifact.blobPath)?.data;
    if (!data) return twirpError(400, 'failed_precondition', 'the artifact has no committed blob');
    Object.assign(artifact, { finalized: true, size: Number(body.size), hash: body.hash });
    return { status: 200, json: { ok: true, artifact_id: String(artifact.id) } };
  }

  private listArtifacts(body: any): TwirpReply {
    const listed = this.artifacts.filter(
      (a) =>
        a.finalized &&
        a.runBackendId === body.workflow_run_backend_id &&
        (body.name_filter === undefined || a.name === body.name_filter) &&
        (body.id_filter === undefined || String(a.id) === String(body.id_filter)),
    );
    const artifacts = listed.map((a) => ({
      workflow_run_backend_id: a.runBackendId,
      workflow_job_run_backend_id: a.jobBackendId,
      database_id: String(a.id),
      name: a.name,
      size: String(a.size ?? 0),
      created_at: a.createdAt.toISOString(),
      ...(a.hash === undefined ? {} : { digest: a.hash }),
    }));
    return { status: 200, json: { artifacts } };
  }

  private getSignedUrl(body: any): TwirpReply {
    const matching = this.artifacts.filter(
      (a) =>
        a.finalized &&
        a.runBackendId === body.workflow_run_backend_id &&
        a.jobBackendId === body.workflow_job_run_backend_id &&
        a.name === body.name,
    );
    const artifact = matching.at(-1);
    if (!artifact) return twirpError(404, 'not_found', 'artifact not found');
    return { status: 200, json: { signed_url: this.signedUrl(artifact, 'r') } };
  }

  private deleteArtifact(body: any): TwirpReply {
    const index = this.artifacts.findIndex((a) => a.runBackendId === body.workflow_run_backend_id && a.name === body.name && a.finalized);
    if (index < 0) return twirpError(404, 'not_found', 'artifact not found');
    const [artifact] = this.artifacts.splice(index, 1);
    return { status: 200, json: { ok: true, artifact_id: String(artifact.id) } };
  }

  /** Azure Blob storage: Put Block, Put Block List, Put Blob, Get Blob on a signed URL. */
  private blob(record: ArtifactServiceRequest, raw: Buffer, req: IncomingMessage, res: ServerResponse): void {
    const blob = this.blobs.get(record.path);
    const answer = (status: number, headers: Record<string, string> = {}, body?: Buffer | string) => {
      record.status = status;
      res.writeHead(status, {
        'x-ms-request-id': randomBytes(8).toString('hex'),
        'x-ms-version': '2025-01-05',
        date: new Date().toUTCString(),
        ...headers,
      });
      res.end(body);
    };
    const storageError = (status: number, code: string) =>
      answer(
        status,
        { 'content-type': 'application/xml', 'x-ms-error-code': code },
        `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
      );
    if (!blob) return storageError(404, 'BlobNotFound');
    if (record.query.get('sig') !== blob.sig) return storageError(403, 'AuthenticationFailed');
    const written = {
      etag: `"0x${randomBytes(8).toString('hex').toUpperCase()}"`,
      'last-modified': new Date().toUTCString(),
      'x-ms-request-server-encrypted': 'true',
    };
    const comp = record.query.get('comp');
    if (req.method === 'PUT' && comp === 'block') {
      blob.blocks.set(record.query.get('blockid') ?? '', raw);
      return answer(201, { 'x-ms-request-server-encrypted': 'true' });
    }
    if (req.method === 'PUT' && comp === 'blocklist') {
      const ids = [...raw.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\//g)].map((m) => m[1]);
      const missing = ids.filter((id) => !blob.blocks.has(id));
      if (missing.length) return storageError(400, 'InvalidBlockList');
      blob.data = Buffer.concat(ids.map((id) => blob.blocks.get(id)!));
      blob.contentType = String(req.headers['x-ms-blob-content-type'] ?? 'application/octet-stream');
      return answer(201, written);
    }
    if (req.method === 'PUT' && comp === null) {
      blob.data = raw;
      blob.contentType = String(req.headers['x-ms-blob-content-type'] ?? req.headers['content-type'] ?? 'application/octet-stream');
      return answer(201, written);
    }
    if (req.method === 'GET' && comp === null) return this.download(blob, record, answer);
    return storageError(400, 'UnsupportedHttpVerb');
  }

  private download(
    blob: StoredBlob,
    record: ArtifactServiceRequest,
    answer: (status: number, headers?: Record<string, string>, body?: Buffer | string) => void,
  ): void {
    const artifact = this.artifacts.find((a) => a.blobPath === record.path);
    const fault = artifact?.downloadFault;
    if (fault && 'status' in fault)
      return answer(fault.status, { 'content-type': 'application/xml' }, '<Error><Code>InternalError</Code></Error>');
    const bytes = fault?.bytes ?? blob.data;
    if (!bytes) return answer(404, { 'x-ms-error-code': 'BlobNotFound' });
    const fileName = `${artifact?.name ?? 'artifact'}.zip`;
    answer(
      200,
      {
        'content-type': blob.contentType ?? 'application/zip',
        'content-length': String(bytes.length),
        'content-disposition': `attachment; filename="${fileName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
        'x-ms-blob-type': 'BlockBlob',
      },
      bytes,
    );
  }
}
