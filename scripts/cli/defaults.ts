import path from 'node:path';
import { DEFAULT_BACKBONE } from '../../src/lib/ml/architecture-ids';
import { BACKBONE_CACHE, REPO_ROOT } from '../../src/lib/node/model-source';

/** Where `npm run setup` imports the default backbone (relative to the repository root). */
export const DEFAULT_BACKBONE_DIR = `${BACKBONE_CACHE}/${DEFAULT_BACKBONE}`;

/**
 * The default --backbone of `train` and `sweep`: the repository's copy, found from this file
 * (not from the current directory, so the commands work from any folder).
 */
export const DEFAULT_BACKBONE_PATH = path.join(REPO_ROOT, DEFAULT_BACKBONE_DIR);
