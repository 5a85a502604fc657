import { redirect } from '@sveltejs/kit';
import { session } from '$lib/session/session.svelte';

export function load() {
	redirect(307, session.current ? '/conferencing' : '/login');
}
