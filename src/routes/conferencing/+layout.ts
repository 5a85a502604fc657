import { redirect } from '@sveltejs/kit';
import { session } from '$lib/session/session.svelte';

export function load() {
	if (!session.current) redirect(307, '/login');
}
