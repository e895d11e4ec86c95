#!/usr/bin/env bash
# Deploys one version of the model to an environment: the example project's deployment, which
# serves it with ml-gate's example Open Inference Protocol server (examples/model-server/server.mjs)
# on this machine. Replace the body of `serve` with yours (kubectl, helm, a KServe
# InferenceService...); keep the interface, which the pipeline and the rollback both use:
#
#   deploy.sh ENVIRONMENT VERSION MODEL_FILE   publish MODEL_FILE as VERSION, then serve VERSION
#   deploy.sh ENVIRONMENT VERSION              serve VERSION, published earlier
#   deploy.sh ENVIRONMENT                      serve $ML_GATE_VERSION (how the rollback action's
#                                              `target: command` runs it: without a shell, the
#                                              version in the environment)
#   deploy.sh ENVIRONMENT --stop               stop serving
#
# Versions live in a model repository laid out as Triton and KServe lay theirs out:
#   $MODEL_REPOSITORY/<MODEL_NAME>/<VERSION>/model.onnx
# A version, once published, never changes (publishing other bytes under it is refused), so
# "serve version X" means the same model whenever it is asked: at promotion, and at a rollback
# months later. The server is started with --version VERSION and this script returns only once the
# server answers that it serves VERSION (as `kubectl rollout status` would), or fails.
#
# Environment (all optional):
#   MODEL_NAME         the served model's name (default digits)
#   MODEL_REPOSITORY   the model repository (default examples/project/.deploy/models)
#   DEPLOY_STATE_DIR   where each environment's server keeps its pid, log and current version
#                      (default examples/project/.deploy/<ENVIRONMENT>)
#   MODEL_SERVER_PORT  the port to serve on, on 127.0.0.1 (default 8080)
#   MODEL_SERVER       the server script (default examples/model-server/server.mjs)
#   NODE               the node binary that runs it (default node); onnxruntime-node comes from
#                      ONNXRUNTIME_NODE_PATH or this repository's node_modules
#   DEPLOY_TIMEOUT     seconds to wait for the new version to serve (default 60)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$(dirname "$here")"
usage() {
  echo "usage: $0 ENVIRONMENT [VERSION [MODEL_FILE]] | $0 ENVIRONMENT --stop" >&2
  exit 2
}

environment="${1:-}"
[[ "$environment" =~ ^[A-Za-z0-9_-]{1,64}$ ]] || usage
version="${2:-${ML_GATE_VERSION:-}}"
model_file="${3:-}"

name="${MODEL_NAME:-digits}"
repository="${MODEL_REPOSITORY:-$project/.deploy/models}"
state="${DEPLOY_STATE_DIR:-$project/.deploy/$environment}"
port="${MODEL_SERVER_PORT:-8080}"
server="${MODEL_SERVER:-$project/../model-server/server.mjs}"
node="${NODE:-node}"
timeout="${DEPLOY_TIMEOUT:-60}"
mkdir -p "$state"

stop() {
  local pid
  pid="$(cat "$state/server.pid" 2> /dev/null || true)"
  [[ -n "$pid" ]] || return 0
  if kill "$pid" 2> /dev/null; then
    for _ in $(seq 100); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2> /dev/null || true
  fi
  rm -f "$state/server.pid"
}

if [[ "$version" == --stop ]]; then
  stop
  rm -f "$state/current"
  echo "$environment: stopped"
  exit 0
fi
# the rollback action's versions: a tag (letters, digits, '.', '_', '-') or a digest
[[ "$version" =~ ^([A-Za-z0-9._-]{1,128}|sha256:[0-9a-f]{64})$ ]] || {
  echo "deploy.sh: no version, or not a version: '$version' (give VERSION or set ML_GATE_VERSION)" >&2
  exit 2
}
target="$repository/$name/$version/model.onnx"

# publish: a new version goes into the repository; an existing one must be the same bytes
if [[ -n "$model_file" ]]; then
  [[ -f "$model_file" ]] || { echo "deploy.sh: $model_file does not exist" >&2; exit 1; }
  if [[ -e "$target" ]]; then
    cmp -s "$model_file" "$target" || {
      echo "deploy.sh: $name version $version is already published with another model ($target); a version never changes" >&2
      exit 1
    }
  else
    mkdir -p "$(dirname "$target")"
    cp "$model_file" "$target.tmp" && mv "$target.tmp" "$target"
    echo "$environment: published $name version $version ($target)"
  fi
fi
[[ -f "$target" ]] || {
  echo "deploy.sh: $name version $version is not in the model repository ($target); published versions: $(ls "$repository/$name" 2> /dev/null | tr '\n' ' ')" >&2
  exit 1
}

# serve: stop the version serving now, start the server on the asked one (a real deployment would
# roll pods over without a gap; this example server is down for the second it takes to restart)
stop
nohup "$node" "$server" --model "$target" --name "$name" --version "$version" --host 127.0.0.1 --port "$port" \
  > "$state/server.log" 2>&1 < /dev/null &
echo $! > "$state/server.pid"

# wait until the server says it serves this version (its metadata lists it, and it is ready)
url="http://127.0.0.1:$port/v2/models/$name"
deadline=$((SECONDS + timeout))
until "$node" -e '
  const [url, version] = process.argv.slice(1);
  Promise.all([fetch(url).then((r) => r.json()), fetch(url + "/ready")])
    .then(([meta, ready]) => process.exit(ready.ok && meta.versions?.includes(version) ? 0 : 1), () => process.exit(1));
' "$url" "$version"; do
  if ! kill -0 "$(cat "$state/server.pid")" 2> /dev/null; then
    echo "deploy.sh: the model server exited; its log ($state/server.log):" >&2
    cat "$state/server.log" >&2
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    echo "deploy.sh: $name version $version did not become ready within ${timeout}s; the server's log:" >&2
    cat "$state/server.log" >&2
    exit 1
  fi
  sleep 0.2
done
echo "$version" > "$state/current"
echo "$environment: serving $name version $version at http://127.0.0.1:$port (pid $(cat "$state/server.pid"))"
