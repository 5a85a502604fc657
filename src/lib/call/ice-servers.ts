// STUN/TURN servers for calls come from the relay's configuration (and carry fresh TURN credentials): nothing is
// hard-coded, and nothing public is asked. Without any, two devices on one LAN connect with host candidates.

export async function fetchIceServers(token: string, fetchFn: typeof fetch = (...args) => fetch(...args)): Promise<RTCIceServer[]> {
	try {
		const response = await fetchFn('/api/ice-servers', { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
		if (!response.ok) return [];
		const body = (await response.json()) as { iceServers?: unknown };
		return Array.isArray(body.iceServers) ? (body.iceServers as RTCIceServer[]) : [];
	} catch {
		return [];
	}
}
