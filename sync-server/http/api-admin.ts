// The admin API under /api/admin (JSON, signed in, administrators only: api.ts answers 403 to anyone else). Each
// route checks the body's types and calls admin-service.ts, the same code `npm run admin` runs; its refusals become
// 400/404/409 with the service's sentence, a refused import also lists every bad row.
import type { ImportFormat } from '../admin/case-import.ts';
import { ImportError } from '../admin/case-import.ts';
import * as admin from '../admin/admin-service.ts';
import { adminAudit, adminConversations, adminPeople } from '../admin/admin-views.ts';
import { DirectoryError } from '../directory/state.ts';
import type { ApiContext, ApiResult, Request, Route } from './api.ts';
import { HttpError } from './http-util.ts';
import { object } from './validate.ts';

/** A case system's export can be larger than the API's other bodies (about 2,000 cases per MiB). */
export const IMPORT_MAX_BODY_BYTES = 4 * 1024 * 1024;

const depsOf = (ctx: ApiContext): admin.AdminDeps => ({ store: ctx.store, cutOff: ctx.hooks.cutOff, accessRevoked: ctx.hooks.accessRevoked, now: ctx.now });

type Handler = (r: Request, input: Record<string, unknown>, deps: admin.AdminDeps) => unknown;

/** A route's handler with the service's refusals turned into HTTP answers. */
function handle(handler: Handler, status = 200) {
	return async (r: Request): Promise<ApiResult> => {
		try {
			const input = r.body === undefined ? {} : object(r.body);
			return { status, body: await handler(r, input, depsOf(r.ctx)) };
		} catch (err) {
			if (err instanceof ImportError) return { status: 400, body: { error: err.message, rows: err.rows } };
			if (err instanceof admin.AdminError) throw new HttpError(err.status, err.message);
			if (err instanceof DirectoryError) throw new HttpError(409, err.message);
			throw err;
		}
	};
}

function text(input: Record<string, unknown>, field: string): string {
	const value = input[field];
	if (typeof value !== 'string') throw new HttpError(400, `"${field}" must be text.`);
	return value;
}

function optionalText(input: Record<string, unknown>, field: string): string | undefined {
	return input[field] === undefined || input[field] === null ? undefined : text(input, field);
}

function flag(input: Record<string, unknown>, field: string): boolean {
	const value = input[field] ?? false;
	if (typeof value !== 'boolean') throw new HttpError(400, `"${field}" must be true or false.`);
	return value;
}

function format(input: Record<string, unknown>): ImportFormat {
	const value = input.format;
	if (value !== 'csv' && value !== 'json') throw new HttpError(400, '"format" must be "csv" or "json".');
	return value;
}

const get = (handler: Handler) => ({ auth: true, admin: true, body: false, handler: handle(handler) }) as const;
const post = (handler: Handler, status = 200, maxBodyBytes?: number) => ({ auth: true, admin: true, body: true, maxBodyBytes, handler: handle(handler, status) }) as const;
const route = (path: string, methods: Route['methods']): Route => ({ pattern: new RegExp(`^/api/admin/${path}$`), methods });
const ID = '([^/]+)';

export const adminRoutes: Route[] = [
	route('people', {
		GET: get(({ ctx }) => adminPeople(ctx.store)),
		POST: post(
			({ actor }, input, deps) =>
				admin.addPerson(deps, actor, { username: text(input, 'username'), name: text(input, 'name'), org: text(input, 'org'), role: text(input, 'role'), password: optionalText(input, 'password'), admin: flag(input, 'admin') }),
			201
		)
	}),
	route(`people/${ID}/disable`, { POST: post(({ actor, id }, _, deps) => admin.setDisabled(deps, actor, id, true)) }),
	route(`people/${ID}/enable`, { POST: post(({ actor, id }, _, deps) => admin.setDisabled(deps, actor, id, false)) }),
	route(`people/${ID}/password`, { POST: post(({ actor, id }, input, deps) => admin.resetPassword(deps, actor, id, optionalText(input, 'password'))) }),
	route(`people/${ID}/organisation`, { POST: post(({ actor, id }, input, deps) => admin.changeOrganisation(deps, actor, id, text(input, 'org'))) }),
	route(`people/${ID}/admin`, { POST: post(({ actor, id }, input, deps) => admin.setAdmin(deps, actor, id, flag(input, 'admin'))) }),
	route('organisations', {
		GET: get(({ ctx }) => ctx.store.organisations()),
		POST: post(({ actor }, input, deps) => admin.addOrganisation(deps, actor, { id: text(input, 'id'), name: text(input, 'name') }), 201)
	}),
	route('cases', {
		GET: get(({ ctx }) => ctx.store.cases().sort((a, b) => a.number.localeCompare(b.number))),
		POST: post(({ actor }, input, deps) => admin.addCase(deps, actor, { number: text(input, 'number'), title: text(input, 'title'), org: text(input, 'org') }), 201)
	}),
	route('cases/import', {
		POST: post(({ actor }, input, deps) => admin.importCases(deps, actor, { format: format(input), text: text(input, 'text'), fileName: optionalText(input, 'fileName') }), 200, IMPORT_MAX_BODY_BYTES)
	}),
	route(`cases/${ID}/close`, { POST: post(({ actor, id }, _, deps) => admin.setCaseClosed(deps, actor, id, true)) }),
	route(`cases/${ID}/reopen`, { POST: post(({ actor, id }, _, deps) => admin.setCaseClosed(deps, actor, id, false)) }),
	route('conversations', { GET: get(({ ctx }) => adminConversations(ctx.store)) }),
	route(`conversations/${ID}/members/remove`, { POST: post(({ actor, id }, input, deps) => admin.removeMember(deps, actor, id, text(input, 'username'))) }),
	route('audit', { GET: get(({ ctx }) => adminAudit(ctx.store)) })
];
