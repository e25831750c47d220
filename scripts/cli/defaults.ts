import { DEFAULT_BACKBONE } from '../../src/lib/ml/architecture-ids';

/** Where `npm run setup` imports the default backbone (relative to the repository root). */
export const DEFAULT_BACKBONE_DIR = `models/cache/${DEFAULT_BACKBONE}`;
