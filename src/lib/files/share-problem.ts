// What to tell the person when sharing a file failed, the same wherever it was shared from (the upload dialog, a
// photo, a voice note): a full device says how much is needed and free, anything else what went wrong.
import { errorText } from '$lib/error-text';
import { formatBytes } from '$lib/i18n/format';
import { locale, t } from '$lib/i18n/locale.svelte';
import { DeviceFull } from './device-room';

export function shareProblem(err: unknown, name: string): string {
	if (err instanceof DeviceFull) {
		const needed = formatBytes(err.needed, locale.current);
		return err.midWrite ? t('files.deviceFilled', { name, needed }) : t('files.deviceFull', { name, needed, free: formatBytes(err.free, locale.current) });
	}
	return t('files.failed', { detail: errorText(err) });
}
