// The first start on an empty DATA_DIR loads CONTRACT.md's demo directory, so a newcomer can sign in at once.
import { demoCases, demoOrganisations, demoPeople, DEMO_PASSWORD } from '../../src/lib/model/demo.ts';
import { asOrgId, asUserId } from '../../src/lib/model/ids.ts';
import type { DirectoryStore } from './store.ts';
import { hashPassword } from '../auth/passwords.ts';

/** Loads the demo directory when the store is empty; returns whether it did. */
export async function loadDemoDirectoryIfEmpty(store: DirectoryStore): Promise<boolean> {
	if (!store.isEmpty()) return false;
	const hashes = await Promise.all(demoPeople.map(() => hashPassword(DEMO_PASSWORD)));
	for (const org of demoOrganisations) store.commit({ type: 'orgAdded', org });
	demoPeople.forEach((p, i) =>
		store.commit({
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
		})
	);
	for (const serviceCase of demoCases) store.commit({ type: 'caseAdded', serviceCase });
	return true;
}
