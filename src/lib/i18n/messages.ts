// Reads no UI state. Every label in English, Czech and German. The Czech words follow CONTRACT.md, taken from GF
// Machining Solutions' own Czech manual, so people find the names they learned there; the German ones follow
// CONTRACT.md's German labels for the same words. Each domain keeps its own labels beside its code; this file
// composes them.
import { callCs, callDe, callEn } from '$lib/call/call-messages';
import { conferencingCs, conferencingDe, conferencingEn } from '$lib/conferencing/conferencing-messages';
import { whiteboardCs, whiteboardDe, whiteboardEn } from '$lib/whiteboard/whiteboard-messages';
import { filesCs, filesDe, filesEn } from '$lib/files/files-messages';
import { storageCs, storageDe, storageEn } from '$lib/sync/storage-messages';
import { notificationsCs, notificationsDe, notificationsEn } from '$lib/notifications/notifications-messages';
import { reportCs, reportDe, reportEn } from '$lib/report/report-messages';
import { photoCs, photoDe, photoEn } from '$lib/files/photo-messages';
import { voiceCs, voiceDe, voiceEn } from '$lib/voice/voice-messages';
import { adminCs, adminDe, adminEn } from '$lib/admin/admin-messages';
import { ssoCs, ssoDe, ssoEn } from '$lib/session/sso-messages';

const coreEn = {
	'app.name': 'Caseroom',
	'nav.main': 'Conferencing',
	'login.title': 'Sign in to Caseroom',
	'login.username': 'Username',
	'login.password': 'Password',
	'login.submit': 'Sign in',
	'login.working': 'Signing in…',
	'login.wrong': 'Wrong username or password.',
	'login.throttled': 'Too many failed sign-ins. Wait a moment and try again.',
	'login.unreachable': 'The Caseroom server cannot be reached. Check the network, then try again.',
	'login.failed': 'Signing in failed: {detail}',
	'session.signOut': 'Sign out',
	'session.signedInAs': 'Signed in as {name} ({org})',
	'language.label': 'Language',
	'connection.online': 'Online',
	'connection.connecting': 'Connecting…',
	'connection.offline': 'Offline: changes are kept on this device',
	'connection.signInRefused': 'Your sign-in has expired or was withdrawn: sign in again to sync. What you wrote stays on this device.',
	'connection.signInAgain': 'Sign in again',
	'conferencing.loading': 'Opening your conversations…',
	'conferencing.storageFailed': 'This device could not open its local storage: {detail}',
	'conferencing.cacheFull': 'This device’s storage is full: the list of conversations cannot be kept for offline use. Free space (delete old files or apps), then reload.'
} as const;

const coreCs: Record<keyof typeof coreEn, string> = {
	'app.name': 'Caseroom',
	'nav.main': 'Konference',
	'login.title': 'Přihlášení do Caseroom',
	'login.username': 'Uživatelské jméno',
	'login.password': 'Heslo',
	'login.submit': 'Přihlásit se',
	'login.working': 'Přihlašování…',
	'login.wrong': 'Nesprávné uživatelské jméno nebo heslo.',
	'login.throttled': 'Příliš mnoho neúspěšných pokusů. Chvíli počkejte a zkuste to znovu.',
	'login.unreachable': 'Server Caseroom není dostupný. Zkontrolujte síť a zkuste to znovu.',
	'login.failed': 'Přihlášení selhalo: {detail}',
	'session.signOut': 'Odhlásit se',
	'session.signedInAs': 'Přihlášen(a): {name} ({org})',
	'language.label': 'Jazyk',
	'connection.online': 'Online',
	'connection.connecting': 'Připojování…',
	'connection.offline': 'Offline: změny zůstávají v tomto zařízení',
	'connection.signInRefused': 'Vaše přihlášení vypršelo nebo bylo zrušeno: přihlaste se znovu, aby se data synchronizovala. Co jste napsali, zůstává v tomto zařízení.',
	'connection.signInAgain': 'Přihlásit se znovu',
	'conferencing.loading': 'Otevírání konverzací…',
	'conferencing.storageFailed': 'Zařízení nemohlo otevřít místní úložiště: {detail}',
	'conferencing.cacheFull': 'Úložiště zařízení je plné: seznam konverzací nelze uchovat pro práci offline. Uvolněte místo (smažte staré soubory nebo aplikace) a stránku znovu načtěte.'
};

const coreDe: Record<keyof typeof coreEn, string> = {
	'app.name': 'Caseroom',
	'nav.main': 'Konferenz',
	'login.title': 'Bei Caseroom anmelden',
	'login.username': 'Benutzername',
	'login.password': 'Passwort',
	'login.submit': 'Anmelden',
	'login.working': 'Anmeldung läuft…',
	'login.wrong': 'Benutzername oder Passwort ist falsch.',
	'login.throttled': 'Zu viele fehlgeschlagene Anmeldungen. Warten Sie einen Moment und versuchen Sie es erneut.',
	'login.unreachable': 'Der Caseroom-Server ist nicht erreichbar. Prüfen Sie das Netzwerk und versuchen Sie es erneut.',
	'login.failed': 'Die Anmeldung ist fehlgeschlagen: {detail}',
	'session.signOut': 'Abmelden',
	'session.signedInAs': 'Angemeldet als {name} ({org})',
	'language.label': 'Sprache',
	'connection.online': 'Online',
	'connection.connecting': 'Verbindung wird hergestellt…',
	'connection.offline': 'Offline: Änderungen bleiben auf diesem Gerät',
	'connection.signInRefused': 'Ihre Anmeldung ist abgelaufen oder wurde widerrufen: Melden Sie sich erneut an, um zu synchronisieren. Was Sie geschrieben haben, bleibt auf diesem Gerät.',
	'connection.signInAgain': 'Erneut anmelden',
	'conferencing.loading': 'Ihre Unterhaltungen werden geöffnet…',
	'conferencing.storageFailed': 'Dieses Gerät konnte seinen lokalen Speicher nicht öffnen: {detail}',
	'conferencing.cacheFull': 'Der Speicher dieses Geräts ist voll: Die Liste der Unterhaltungen kann nicht für die Offline-Nutzung aufbewahrt werden. Geben Sie Speicher frei (alte Dateien oder Apps löschen) und laden Sie dann neu.'
};

export const en = { ...coreEn, ...conferencingEn, ...callEn, ...whiteboardEn, ...filesEn, ...storageEn, ...notificationsEn, ...reportEn, ...photoEn, ...voiceEn, ...adminEn, ...ssoEn } as const;

export type MessageKey = keyof typeof en;

export const cs: Record<MessageKey, string> = { ...coreCs, ...conferencingCs, ...callCs, ...whiteboardCs, ...filesCs, ...storageCs, ...notificationsCs, ...reportCs, ...photoCs, ...voiceCs, ...adminCs, ...ssoCs };

export const de: Record<MessageKey, string> = { ...coreDe, ...conferencingDe, ...callDe, ...whiteboardDe, ...filesDe, ...storageDe, ...notificationsDe, ...reportDe, ...photoDe, ...voiceDe, ...adminDe, ...ssoDe };

export const catalogs = { en, cs, de } as const;
export type Locale = keyof typeof catalogs;
export const locales = Object.keys(catalogs) as Locale[];

/** Czech for a browser whose first language is Czech, German for German, English otherwise (CONTRACT.md). */
export function localeFromLanguages(languages: readonly string[]): Locale {
	const first = languages[0]?.toLowerCase() ?? '';
	return first.startsWith('cs') ? 'cs' : first.startsWith('de') ? 'de' : 'en';
}

export function format(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
	return catalogs[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole));
}
