/**
 * The BroadcastChannel on which a tab says it downloaded, imported or deleted a dataset: the Train
 * and Evaluate pages of the other tabs list the datasets again.
 */
export const DATASETS_CHANNEL = 'leaflens-datasets';
