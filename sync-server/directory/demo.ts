// The first start on an empty DATA_DIR loads CONTRACT.md's demo directory, so a newcomer can sign in at once.
import { demoCases, demoOrganisations, demoPeople, DEMO_PASSWORD } from '../../src/lib/model/demo.ts';
import { asOrgId, asUserId } from '../../src/lib/model/ids.ts';
import type { DirectoryEvent } from './events.ts';
import type { DirectoryStore } from './store.ts';
import { hashPassword } from '../auth/passwords.ts';

/** Loads the demo directory when the store is empty (once, whichever relay node starts first); returns whether it did. */
export async function loadDemoDirectoryIfEmpty(store: DirectoryStore): Promise<boolean> {
	if (!store.isEmpty()) return false;
	return store.seedIfEmpty(async () => {
		const hashes = await Promise.all(demoPeople.map(() => hashPassword(DEMO_PASSWORD)));
		const people = demoPeople.map((p, i): DirectoryEvent => ({
			type: 'personAdded',
			person: {
				id: asUserId(p.username),
				username: p.username,
				name: p.name,
				org: asOrgId(p.org),
				role: p.role,
				disabled: false,
				passwordHash: hashes[i]!,
				tokenEpoch: 0,
				...(p.admin ? { admin: true } : {})
			}
		}));
		return [
			...demoOrganisations.map((org): DirectoryEvent => ({ type: 'orgAdded', org })),
			...people,
			...demoCases.map((serviceCase): DirectoryEvent => ({ type: 'caseAdded', serviceCase }))
		];
	});
}
