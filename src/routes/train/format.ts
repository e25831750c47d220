/** Bytes as megabytes with one decimal, as the Train page shows sizes. */
export const megabytes = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
