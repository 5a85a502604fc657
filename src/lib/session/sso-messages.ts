// Reads no UI state. What the sign-in page says about single sign-on: one button per provider, and why the relay
// refused a sign-in (the reasons of sync-server/sso/single-sign-on.ts), each with what the person can do.
export const ssoEn = {
	'sso.signInWith': 'Sign in with {name}',
	'sso.or': 'or with a Caseroom password',
	'sso.finishing': 'Finishing the sign-in…',
	'sso.error.no-rule': 'Your {name} account may not use Caseroom yet: no sign-in rule includes it. Ask your Caseroom administrator to let you in.',
	'sso.error.no-org': 'Your {name} account is let in by a rule whose organisation is not set up in Caseroom yet. Tell your Caseroom administrator.',
	'sso.error.disabled': 'This Caseroom account is disabled. Ask your Caseroom administrator.',
	'sso.error.expired': 'This sign-in could not be finished: it took longer than 10 minutes, was already used, or did not start here. Please sign in again.',
	'sso.error.other-browser': 'This sign-in was started in another browser or window. Please sign in again here.',
	'sso.error.provider-refused': '{name} did not sign you in (cancelled or refused). Try again, or sign in with a password.',
	'sso.error.unreachable': '{name} cannot be reached right now. Check the network and try again, or sign in with a password.',
	'sso.error.unknown-provider': 'This sign-in option is not configured any more. Reload the page and choose again.',
	'sso.error.failed': 'Signing in with {name} failed. Try again; if it keeps failing, tell your Caseroom administrator.'
} as const;

export const ssoCs: Record<keyof typeof ssoEn, string> = {
	'sso.signInWith': 'Přihlásit se přes {name}',
	'sso.or': 'nebo heslem do Caseroom',
	'sso.finishing': 'Dokončování přihlášení…',
	'sso.error.no-rule': 'Váš účet {name} zatím nemá do Caseroom přístup: nezahrnuje ho žádné pravidlo přihlášení. Požádejte správce Caseroom o přístup.',
	'sso.error.no-org': 'Váš účet {name} pouští pravidlo, jehož organizace v Caseroom ještě není založená. Dejte vědět správci Caseroom.',
	'sso.error.disabled': 'Tento účet Caseroom je zablokovaný. Obraťte se na správce Caseroom.',
	'sso.error.expired': 'Přihlášení nešlo dokončit: trvalo déle než 10 minut, už bylo použito, nebo nezačalo zde. Přihlaste se prosím znovu.',
	'sso.error.other-browser': 'Toto přihlášení začalo v jiném prohlížeči nebo okně. Přihlaste se prosím znovu zde.',
	'sso.error.provider-refused': '{name} vás nepřihlásil (zrušeno nebo odmítnuto). Zkuste to znovu, nebo se přihlaste heslem.',
	'sso.error.unreachable': '{name} teď není dostupný. Zkontrolujte síť a zkuste to znovu, nebo se přihlaste heslem.',
	'sso.error.unknown-provider': 'Tento způsob přihlášení už není nastavený. Načtěte stránku znovu a vyberte znovu.',
	'sso.error.failed': 'Přihlášení přes {name} selhalo. Zkuste to znovu; pokud to selhává dál, dejte vědět správci Caseroom.'
};

export const ssoDe: Record<keyof typeof ssoEn, string> = {
	'sso.signInWith': 'Anmelden mit {name}',
	'sso.or': 'oder mit einem Caseroom-Passwort',
	'sso.finishing': 'Anmeldung wird abgeschlossen…',
	'sso.error.no-rule': 'Ihr {name}-Konto darf Caseroom noch nicht nutzen: Keine Anmelderegel schließt es ein. Bitten Sie Ihre Caseroom-Administration, Sie freizuschalten.',
	'sso.error.no-org': 'Ihr {name}-Konto wird von einer Regel zugelassen, deren Organisation in Caseroom noch nicht angelegt ist. Informieren Sie Ihre Caseroom-Administration.',
	'sso.error.disabled': 'Dieses Caseroom-Konto ist gesperrt. Wenden Sie sich an Ihre Caseroom-Administration.',
	'sso.error.expired': 'Die Anmeldung konnte nicht abgeschlossen werden: Sie dauerte länger als 10 Minuten, wurde schon verwendet oder begann nicht hier. Bitte melden Sie sich erneut an.',
	'sso.error.other-browser': 'Diese Anmeldung wurde in einem anderen Browser oder Fenster begonnen. Bitte melden Sie sich hier erneut an.',
	'sso.error.provider-refused': '{name} hat Sie nicht angemeldet (abgebrochen oder abgelehnt). Versuchen Sie es erneut oder melden Sie sich mit einem Passwort an.',
	'sso.error.unreachable': '{name} ist gerade nicht erreichbar. Prüfen Sie das Netzwerk und versuchen Sie es erneut, oder melden Sie sich mit einem Passwort an.',
	'sso.error.unknown-provider': 'Diese Anmeldeoption ist nicht mehr eingerichtet. Laden Sie die Seite neu und wählen Sie erneut.',
	'sso.error.failed': 'Die Anmeldung mit {name} ist fehlgeschlagen. Versuchen Sie es erneut; wenn es weiter fehlschlägt, informieren Sie Ihre Caseroom-Administration.'
};
