// Reads no UI state. The demo directory of CONTRACT.md, loaded by the relay on its first start.
import type { Organisation, Role, ServiceCase } from './directory';
import { ENGINEERS_ORG } from './directory';
import { asCaseId, asOrgId } from './ids';

export const DEMO_PASSWORD = 'demo';

export const demoOrganisations: Organisation[] = [
	{ id: ENGINEERS_ORG, name: 'GFMS' },
	{ id: asOrgId('acme'), name: 'Acme Precision s.r.o.' },
	{ id: asOrgId('beta'), name: 'Beta Tools a.s.' }
];

/** `admin` may use the admin page; the other five are CONTRACT.md's. */
export const demoPeople: { username: string; name: string; org: string; role: Role; admin?: boolean }[] = [
	{ username: 'petr', name: 'Petr Novák', org: 'gfms', role: 'engineer' },
	{ username: 'eva', name: 'Eva Dvořáková', org: 'gfms', role: 'engineer' },
	{ username: 'anna', name: 'Anna Horáková', org: 'acme', role: 'customer' },
	{ username: 'tomas', name: 'Tomáš Marek', org: 'acme', role: 'customer' },
	{ username: 'jan', name: 'Jan Svoboda', org: 'beta', role: 'customer' },
	{ username: 'admin', name: 'Alena Správcová', org: 'gfms', role: 'engineer', admin: true }
];

export const demoCases: ServiceCase[] = [
	{ id: asCaseId('SC-1042'), number: 'SC-1042', title: 'CUT P 550 – wire breakage during roughing', org: asOrgId('acme') },
	{ id: asCaseId('SC-1043'), number: 'SC-1043', title: 'MIKRON MILL S 400 – spindle vibration', org: asOrgId('acme') },
	{ id: asCaseId('SC-2001'), number: 'SC-2001', title: 'FORM P 350 – generator alarm', org: asOrgId('beta') }
];
