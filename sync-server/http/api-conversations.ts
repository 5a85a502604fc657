// The conversation registry API: register a conversation, add members, attach a whiteboard, list one's own.
// Every change is checked against the policy (src/lib/model/policy.ts), written durably, then announced to sync.
import { documentIdBytes, receiptsDocumentId } from '../../src/lib/model/derived-ids.ts';
import type { CaseId, ConversationId, UserId } from '../../src/lib/model/ids.ts';
import { checkAddMembers, checkNewConversation, checkRemoveMembers, describeRefusal, type ConversationScope } from '../../src/lib/model/policy.ts';
import { conversationView } from './api-views.ts';
import { documentsOfConversation } from '../directory/store.ts';
import type { ApiContext, ApiResult, Request } from './api.ts';
import type { ConversationRecord, StoredPerson } from '../directory/events.ts';
import { HttpError } from './http-util.ts';
import { object, stringArray } from './validate.ts';

const NOT_FOUND = 'No such conversation, or you are not a member of it.';

export function listConversations({ ctx, actor }: Request): ApiResult {
	return { status: 200, body: ctx.store.conversationsOf(actor.id).map((c) => conversationView(ctx.store, c)) };
}

export async function registerConversation({ ctx, actor, body }: Request): Promise<ApiResult> {
	const input = object(body);
	const id = documentId(input.documentId);
	if (input.kind !== 'direct' && input.kind !== 'case') throw new HttpError(400, '"kind" must be "direct" or "case".');
	const kind = input.kind;
	if (input.caseId !== undefined && input.caseId !== null && typeof input.caseId !== 'string')
		throw new HttpError(400, '"caseId" must be a service case id (a string) or absent.');
	const caseId = (input.caseId ?? null) as CaseId | null;
	const serviceCase = caseId === null ? undefined : ctx.store.serviceCase(caseId);
	if (caseId !== null && !serviceCase) throw new HttpError(400, `There is no service case "${caseId}".`);
	const members = [...new Set([actor.id, ...people(ctx, stringArray(input.members, 'members')).map((p) => p.id)])];

	const existing = ctx.store.conversation(id);
	if (existing) {
		// An offline client retrying the registration it already made gets the same answer again.
		const retry = existing.createdBy === actor.id && existing.kind === kind && existing.caseId === caseId && members.every((m) => existing.members.includes(m));
		if (retry) return { status: 200, body: conversationView(ctx.store, existing) };
		throw new HttpError(409, 'This document is already registered as another conversation.');
	}
	if (ctx.store.conversationOf(id)) throw new HttpError(409, 'This document is already attached to a conversation.');

	const refusal = checkNewConversation(actor, { kind, serviceCase }, members.map((m) => ctx.store.person(m)!));
	if (refusal) throw new HttpError(403, describeRefusal(refusal));
	const conversation: ConversationRecord = { id: id as ConversationId, kind, caseId, members, createdBy: actor.id, createdAt: ctx.now() };
	await ctx.store.commit({ type: 'conversationRegistered', conversation });
	// Members may have asked for its receipts document already (started offline, like the conversation).
	ctx.hooks.accessChanged([id, receiptsDocumentId(id)]);
	return { status: 201, body: conversationView(ctx.store, conversation) };
}

export async function addMembers({ ctx, actor, body, id }: Request): Promise<ApiResult> {
	const conversation = memberConversation(ctx, actor, id);
	const input = object(body);
	const added = people(ctx, stringArray(input.add, 'add')).filter((p) => !conversation.members.includes(p.id));
	const refusal = checkAddMembers(actor, true, scopeOf(ctx, conversation), added);
	if (refusal) throw new HttpError(403, describeRefusal(refusal));
	if (added.length > 0) {
		await ctx.store.commit({ type: 'membersAdded', conversationId: conversation.id, members: added.map((p) => p.id), by: actor.id });
		ctx.hooks.accessChanged(everyDocument(ctx, conversation));
	}
	return { status: 200, body: conversationView(ctx.store, ctx.store.conversation(conversation.id)!) };
}

/**
 * Takes people out of a conversation (or the caller out, to leave). Durable before the answer; then every open sync
 * socket, file request and call signal of the removed people is checked against the new member list at once.
 * The caller who left gets 200 with an empty body: they may no longer see the conversation.
 */
export async function removeMembers({ ctx, actor, body, id }: Request): Promise<ApiResult> {
	const conversation = memberConversation(ctx, actor, id);
	const input = object(body);
	const named = people(ctx, stringArray(input.remove, 'remove'));
	if (named.length === 0) throw new HttpError(400, '"remove" must name at least one person.');
	const refusal = checkRemoveMembers(actor, conversation.members, named);
	if (refusal) throw new HttpError(403, describeRefusal(refusal));
	const removed = [...new Set(named.map((p) => p.id))].filter((m) => conversation.members.includes(m));
	if (removed.length > 0) {
		await ctx.store.commit({ type: 'membersRemoved', conversationId: conversation.id, members: removed, by: actor.id });
		ctx.hooks.accessRevoked(removed, conversation.id, everyDocument(ctx, conversation));
	}
	if (removed.includes(actor.id)) return { status: 200, body: { left: true } };
	return { status: 200, body: conversationView(ctx.store, ctx.store.conversation(conversation.id)!) };
}

export async function addDocument({ ctx, actor, body, id }: Request): Promise<ApiResult> {
	const conversation = memberConversation(ctx, actor, id);
	const input = object(body);
	const docId = documentId(input.documentId);
	if (input.kind !== 'whiteboard') throw new HttpError(400, '"kind" must be "whiteboard".');
	const owner = ctx.store.conversationOf(docId);
	if (owner) {
		const sameAttachment = owner.id === conversation.id && ctx.store.documentsOf(conversation.id).some((d) => d.documentId === docId);
		if (sameAttachment) return { status: 200, body: conversationView(ctx.store, conversation) };
		throw new HttpError(409, 'This document already belongs to another conversation.');
	}
	await ctx.store.commit({
		type: 'documentAttached',
		document: { documentId: docId, conversationId: conversation.id, kind: 'whiteboard', attachedBy: actor.id, attachedAt: ctx.now() }
	});
	ctx.hooks.accessChanged([docId]);
	return { status: 201, body: conversationView(ctx.store, conversation) };
}

/** The conversation's own document, its receipts document and every document attached to it. */
const everyDocument = (ctx: ApiContext, c: ConversationRecord) => documentsOfConversation(ctx.store, c.id);

function documentId(value: unknown): string {
	// 16 bytes, as /sync accepts them; a long string is refused before the (quadratic) base58 decoding.
	if (typeof value !== 'string' || documentIdBytes(value)?.length !== 16) throw new HttpError(400, '"documentId" must be an Automerge document id (as in repo.create().documentId).');
	return value;
}

function people(ctx: ApiContext, ids: string[]): StoredPerson[] {
	return ids.map((id) => {
		const person = ctx.store.person(id as UserId);
		if (!person) throw new HttpError(400, `There is no person "${id}".`);
		return person;
	});
}

function memberConversation(ctx: ApiContext, actor: StoredPerson, id: string): ConversationRecord {
	const conversation = ctx.store.conversation(id);
	if (!conversation || !conversation.members.includes(actor.id)) throw new HttpError(404, NOT_FOUND);
	return conversation;
}

function scopeOf(ctx: ApiContext, c: ConversationRecord): ConversationScope {
	return { kind: c.kind, serviceCase: c.caseId === null ? undefined : ctx.store.serviceCase(c.caseId) };
}
