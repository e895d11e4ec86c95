// The models a server serves, for the reason of a model-name it answers 404 for: from the
// repository index (POST /v2/repository/index, Triton and KServe), or why it cannot tell.
import { messageOf } from '../errors.js';
import { parseRepositoryIndex, type OipRepositoryModel } from '../oip/protocol.js';
import { MIN_ATTEMPT_MS } from '../http/retry.js';
import { truncate } from '../http/text.js';
import { parseJsonText, remainingMs, send, type SmokeRun } from './probe.js';
import { joinUrl } from './smoke-options.js';

const INDEX_PATH = '/v2/repository/index';
/** A reason lists this many; a server may hold hundreds of models. */
const SHOWN = 20;

function describeModel(m: OipRepositoryModel): string {
  const version = m.version ? ` version ${m.version}` : '';
  const state = m.state && m.state.toUpperCase() !== 'READY' ? ` (${m.state})` : '';
  return `'${m.name}'${version}${state}`;
}

/** "the server serves 'a', 'b' version 2 (UNAVAILABLE)", or why it cannot tell. */
export async function listServedModels(run: SmokeRun): Promise<string> {
  const remaining = remainingMs(run);
  if (remaining < MIN_ATTEMPT_MS) return 'no time was left to ask the server which models it serves';
  let answer: string;
  try {
    const res = await send(run, joinUrl(run.o.url, INDEX_PATH), 'POST', remaining, '{}', true);
    if (res.status !== 200) return `the server cannot tell which models it serves (POST ${INDEX_PATH} answered HTTP ${res.status})`;
    answer = res.body;
  } catch (e) {
    return `the server cannot tell which models it serves (POST ${INDEX_PATH}: ${messageOf(e)})`;
  }
  const json = parseJsonText(answer);
  const index = json.ok ? parseRepositoryIndex(json.value) : json;
  if (!index.ok) return `the server cannot tell which models it serves (POST ${INDEX_PATH}: ${index.error}: ${truncate(answer, 80)})`;
  const models = index.value;
  if (models.length === 0) return 'the server lists no models (its repository index is empty)';
  const shown = models.slice(0, SHOWN).map(describeModel).join(', ');
  return `the server serves ${shown}${models.length > SHOWN ? ` and ${models.length - SHOWN} more` : ''}`;
}
