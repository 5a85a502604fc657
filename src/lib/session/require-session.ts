// The load of every signed-in screen: without a session on this device, go to the sign-in form.
import { redirect } from '@sveltejs/kit';
import { session } from './session.svelte';

export function requireSession() {
	if (!session.current) redirect(307, '/login');
}
