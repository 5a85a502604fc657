import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { isMuted, isPersonalDoc, setMuted, startPersonal } from './personal';
import type { PersonalDoc } from './personal-schema';

const startedHere = () => A.change(A.init<PersonalDoc>(), (d) => startPersonal(d));

describe('personal document', () => {
	it('mutes and unmutes a conversation', () => {
		let doc = startedHere();
		expect(isPersonalDoc(doc)).toBe(true);
		expect(isMuted(doc, 'c1')).toBe(false);
		doc = A.change(doc, (d) => void setMuted(d, 'c1', true));
		expect(isMuted(doc, 'c1')).toBe(true);
		expect(isMuted(doc, 'c2')).toBe(false);
		const again = A.change(doc, (d) => void expect(setMuted(d, 'c1', true)).toBe(false));
		expect(A.getHeads(again)).toEqual(A.getHeads(doc));
		doc = A.change(doc, (d) => void setMuted(d, 'c1', false));
		expect(isMuted(doc, 'c1')).toBe(false);
		expect(isMuted(undefined, 'c1')).toBe(false);
	});

	it('keeps both settings when two devices start it and mute different conversations while apart', () => {
		const tablet = A.change(startedHere(), (d) => void setMuted(d, 'c1', true));
		const phone = A.change(startedHere(), (d) => void setMuted(d, 'c2', true));
		const merged = A.merge(A.clone(tablet), phone);
		expect(isMuted(merged, 'c1') && isMuted(merged, 'c2')).toBe(true);
		expect(merged).toMatchObject({ schema: 1, type: 'personal' });
	});
});
