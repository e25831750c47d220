/** Code-unit order (not the locale's), for names and paths: the same on every machine. */
export const codeUnitOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
