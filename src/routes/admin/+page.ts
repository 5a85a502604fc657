import { requireSession } from '$lib/session/require-session';

export const load = requireSession;
