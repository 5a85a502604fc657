import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adminSocketPath } from './socket.ts';

describe('the admin socket path', () => {
	it('is in DATA_DIR when short enough, else a stable path in the temp directory', () => {
		expect(adminSocketPath('/var/lib/caseroom')).toBe('/var/lib/caseroom/admin.sock');
		const deep = join('/srv', 'x'.repeat(120));
		expect(adminSocketPath(deep)).toMatch(new RegExp(`^${tmpdir()}/caseroom-admin-[0-9a-f]{16}\\.sock$`));
		expect(adminSocketPath(deep)).toBe(adminSocketPath(deep + '/'));
		expect(adminSocketPath(deep)).not.toBe(adminSocketPath(deep + 'y'));
	});
});
