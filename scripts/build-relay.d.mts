export function buildRelayIfStale(root?: string): Promise<boolean>;
export function runRelay(entry: 'main' | 'admin', root?: string): Promise<void>;
