// Reads no UI state. The notifications' labels in English, Czech and German.
export const notificationsEn = {
	'notify.offer': 'Get a notification when a message arrives while Caseroom is in the background.',
	'notify.turnOn': 'Turn on notifications',
	'notify.notNow': 'Not now',
	'notify.blocked': 'Notifications are blocked for Caseroom in this browser’s settings; allow them there to get them.',
	'notify.title': '{conversation}',
	'notify.titleMany': '{conversation} · {count} new messages',
	'notify.mentioned': '{author} mentioned you: {text}'
} as const;

export const notificationsCs: Record<keyof typeof notificationsEn, string> = {
	'notify.offer': 'Dostávejte oznámení, když přijde zpráva a Caseroom běží na pozadí.',
	'notify.turnOn': 'Zapnout oznámení',
	'notify.notNow': 'Teď ne',
	'notify.blocked': 'Oznámení jsou pro Caseroom v nastavení prohlížeče zablokovaná; povolte je tam, chcete-li je dostávat.',
	'notify.title': '{conversation}',
	'notify.titleMany': '{conversation} · nové zprávy: {count}',
	'notify.mentioned': '{author} vás zmínil(a): {text}'
};

export const notificationsDe: Record<keyof typeof notificationsEn, string> = {
	'notify.offer': 'Erhalten Sie eine Benachrichtigung, wenn eine Nachricht eintrifft, während Caseroom im Hintergrund ist.',
	'notify.turnOn': 'Benachrichtigungen einschalten',
	'notify.notNow': 'Nicht jetzt',
	'notify.blocked': 'Benachrichtigungen sind für Caseroom in den Browsereinstellungen blockiert; erlauben Sie sie dort, um sie zu erhalten.',
	'notify.title': '{conversation}',
	'notify.titleMany': '{conversation} · {count} neue Nachrichten',
	'notify.mentioned': '{author} hat Sie erwähnt: {text}'
};
