// Reads no UI state. What the app says about this device's own storage: full, failing, or cleared by the browser.
export const storageEn = {
	'storage.full':
		'This device’s storage is full. New messages still reach the server while you are online, but they are not kept on this device, so do not close Caseroom while offline. Free some space (old photos, files or apps): Caseroom keeps trying every few seconds and saves again by itself.',
	'storage.failed':
		'This device could not save your latest changes ({detail}). They still reach the server while you are online; Caseroom keeps trying to save them here.',
	'storage.retry': 'Try saving again',
	'storage.lastTry': 'Last tried at {time}.',
	'storage.closed':
		'The browser cleared this device’s saved conversations while Caseroom was open. Reload to fetch them again from the server; until then, what you write still reaches the server while you are online but is not kept on this device.',
	'storage.reload': 'Reload',
	'storage.notKept': 'Not kept on this device (storage full): waiting for the relay',
	'storage.evictedFetching': 'This device’s saved conversations were cleared by the browser. Fetching them again from the server…',
	'storage.evictedOffline':
		'This device’s saved conversations were cleared by the browser. They will be fetched again from the server when the network returns.',
	'storage.evictedDone': 'This device’s saved conversations were cleared by the browser; everything that had reached the server is back.',
	'storage.unsentLost':
		'Messages lost: {count}. They had been written on this device but had not reached the server when the browser cleared its storage.',
	'storage.dismiss': 'Dismiss'
} as const;

export const storageCs: Record<keyof typeof storageEn, string> = {
	'storage.full':
		'Úložiště tohoto zařízení je plné. Nové zprávy se při připojení k síti stále dostanou na server, ale v tomto zařízení se neukládají, proto Caseroom bez připojení nezavírejte. Uvolněte místo (staré fotky, soubory nebo aplikace): Caseroom to každých pár sekund zkouší znovu a uloží vše sám.',
	'storage.failed':
		'Toto zařízení nemohlo uložit vaše poslední změny ({detail}). Při připojení k síti se stále dostanou na server; Caseroom je zde zkouší uložit znovu.',
	'storage.retry': 'Zkusit znovu uložit',
	'storage.lastTry': 'Naposledy zkoušeno v {time}.',
	'storage.closed':
		'Prohlížeč vymazal konverzace uložené v tomto zařízení, zatímco byl Caseroom otevřený. Načtěte stránku znovu a konverzace se stáhnou ze serveru; do té doby se to, co napíšete, při připojení k síti dostane na server, ale v tomto zařízení se neuloží.',
	'storage.reload': 'Načíst znovu',
	'storage.notKept': 'Neuloženo v tomto zařízení (plné úložiště): čeká na server',
	'storage.evictedFetching': 'Prohlížeč vymazal konverzace uložené v tomto zařízení. Znovu je stahuji ze serveru…',
	'storage.evictedOffline': 'Prohlížeč vymazal konverzace uložené v tomto zařízení. Po obnovení sítě se znovu stáhnou ze serveru.',
	'storage.evictedDone': 'Prohlížeč vymazal konverzace uložené v tomto zařízení; vše, co dorazilo na server, je zpět.',
	'storage.unsentLost':
		'Ztracené zprávy: {count}. Byly napsány v tomto zařízení, ale na server nedorazily dříve, než prohlížeč vymazal jeho úložiště.',
	'storage.dismiss': 'Zavřít'
};

export const storageDe: Record<keyof typeof storageEn, string> = {
	'storage.full':
		'Der Speicher dieses Geräts ist voll. Neue Nachrichten erreichen den Server weiterhin, solange Sie online sind, werden aber nicht auf diesem Gerät gespeichert: Schließen Sie Caseroom daher nicht, solange Sie offline sind. Geben Sie Speicher frei (alte Fotos, Dateien oder Apps): Caseroom versucht es alle paar Sekunden erneut und speichert dann von selbst wieder.',
	'storage.failed':
		'Dieses Gerät konnte Ihre letzten Änderungen nicht speichern ({detail}). Sie erreichen den Server weiterhin, solange Sie online sind; Caseroom versucht weiter, sie hier zu speichern.',
	'storage.retry': 'Erneut speichern',
	'storage.lastTry': 'Zuletzt versucht um {time}.',
	'storage.closed':
		'Der Browser hat die auf diesem Gerät gespeicherten Unterhaltungen gelöscht, während Caseroom offen war. Laden Sie neu, um sie erneut vom Server zu holen; bis dahin erreicht, was Sie schreiben, den Server, solange Sie online sind, wird aber nicht auf diesem Gerät gespeichert.',
	'storage.reload': 'Neu laden',
	'storage.notKept': 'Nicht auf diesem Gerät gespeichert (Speicher voll): wartet auf den Server',
	'storage.evictedFetching': 'Der Browser hat die auf diesem Gerät gespeicherten Unterhaltungen gelöscht. Sie werden erneut vom Server geholt…',
	'storage.evictedOffline':
		'Der Browser hat die auf diesem Gerät gespeicherten Unterhaltungen gelöscht. Sie werden erneut vom Server geholt, sobald das Netzwerk zurück ist.',
	'storage.evictedDone': 'Der Browser hat die auf diesem Gerät gespeicherten Unterhaltungen gelöscht; alles, was den Server erreicht hatte, ist wieder da.',
	'storage.unsentLost':
		'Verlorene Nachrichten: {count}. Sie wurden auf diesem Gerät geschrieben, hatten den Server aber noch nicht erreicht, als der Browser den Speicher gelöscht hat.',
	'storage.dismiss': 'Schließen'
};
