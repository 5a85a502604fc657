import '@automerge/automerge'; // initialises the wasm in Node (the app calls initializeWasm)
import { Automerge } from '@automerge/automerge-repo/slim';
import { describe, expect, it } from 'vitest';
import { containsChanges } from './delivery';

type Chat = { messages: string[] };
const post = (doc: Automerge.Doc<Chat>, text: string) => Automerge.change(doc, (d) => void d.messages.push(text));

describe('containsChanges', () => {
	const base = post(Automerge.from<Chat>({ messages: [] }), 'one');
	const two = post(Automerge.clone(base), 'two');
	const three = post(Automerge.clone(two), 'three');
	const heads = (d: Automerge.Doc<Chat>) => Automerge.getHeads(d);

	it('holds when the relay reports exactly our heads', () => {
		expect(containsChanges(two, heads(two), heads(two))).toBe(true);
	});

	it('holds for an older change once the relay is further along', () => {
		expect(containsChanges(three, heads(three), heads(base))).toBe(true);
		expect(containsChanges(three, heads(three), heads(two))).toBe(true);
	});

	it('does not hold for a change after the relay heads, or before the relay reported anything', () => {
		expect(containsChanges(three, heads(two), heads(three))).toBe(false);
		expect(containsChanges(three, [], heads(base))).toBe(false);
	});

	it('does not hold for a concurrent change the relay does not have', () => {
		const theirs = post(Automerge.clone(base), 'theirs');
		const ours = post(Automerge.clone(base), 'ours');
		const merged = Automerge.merge(Automerge.clone(ours), theirs);
		expect(containsChanges(merged, heads(theirs), heads(ours))).toBe(false);
		expect(containsChanges(merged, heads(theirs), heads(base))).toBe(true);
	});

	it('errs on "not yet" when the relay reports heads we do not know', () => {
		const unknownToUs = heads(post(Automerge.clone(two), 'elsewhere'));
		expect(containsChanges(two, unknownToUs, heads(two))).toBe(false);
		expect(containsChanges(two, [...unknownToUs, ...heads(two)], heads(two))).toBe(true);
	});
});
