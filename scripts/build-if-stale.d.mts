export function buildIfStale(root?: string): boolean;
