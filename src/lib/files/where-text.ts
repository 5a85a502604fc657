// Reads no UI state. Says in words where a file's bytes are (Details → Files), from its Availability.
import type { MessageKey } from '$lib/i18n/messages';
import { percent, type Availability } from './file-availability.svelte';

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function whereText(a: Availability, t: Translate): string[] {
	const lines: string[] = [];
	const d = a.device;
	if (d.state === 'complete') lines.push(t('files.onDevice'));
	else if (d.state === 'moving' || d.state === 'waiting') lines.push(t('files.toDevice', { percent: percent(d) }));
	else if (d.state === 'partial') lines.push(t('files.partDevice', { percent: percent(d) }));
	else if (d.state === 'none') lines.push(t('files.notDevice'));
	const r = a.relay;
	if (r.state === 'complete') lines.push(t('files.onRelay'));
	else if (r.state === 'moving') lines.push(t('files.toRelay', { percent: percent(r) }));
	else if (r.state === 'waiting') lines.push(r.problem ? t('files.relayProblem', { detail: r.problem }) : t('files.waitingNetwork'));
	else if (r.state === 'partial') lines.push(t('files.partRelay', { percent: percent(r) }));
	else if (r.state === 'none') lines.push(t('files.notRelay'));
	else lines.push(t('files.relayUnknown'));
	if (a.peers === 1) lines.push(t('files.onePeer'));
	else if (a.peers > 1) lines.push(t('files.peers', { n: a.peers }));
	return lines;
}
