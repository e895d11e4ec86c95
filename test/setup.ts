// Shared by every test file: the runtime the tests load is the repository's own onnxruntime-node
// (installed by `npm ci`), the same pinned version the bundles provision. The end-to-end tests
// of committed bundles unset this to exercise provisioning from the registry.
import { fileURLToPath } from 'node:url';

process.env.ONNXRUNTIME_NODE_PATH ??= fileURLToPath(new URL('../node_modules/onnxruntime-node', import.meta.url));
