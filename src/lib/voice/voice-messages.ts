// Reads no UI state. The voice notes' labels in English, Czech and German.
export const voiceEn = {
	'voice.record': 'Record voice note',
	'voice.stop': 'Stop recording',
	'voice.cancel': 'Cancel recording',
	'voice.recording': 'Recording… {time}',
	'voice.holdHint': 'Hold to record and release to send, or tap to start',
	'voice.tooShort': 'Nothing was recorded. Hold the button a little longer, or tap it and press Stop recording when you are done.',
	'voice.blocked': 'Caseroom may not use the microphone. Allow the microphone for this site in the browser’s settings (the icon beside the address; on an iPad: Settings → Safari → Microphone), then try again.',
	'voice.noMicrophone': 'No microphone was found. Connect one (or a headset), then try again.',
	'voice.busy': 'The microphone could not be opened: another app may be using it. Close that app (a call, a recorder), then try again.',
	'voice.unsupported': 'This browser cannot record sound. Update it, or use a current Chrome, Edge or Safari.',
	'voice.failed': 'Recording failed: {detail}',
	'voice.note': 'Voice note, {duration}',
	'voice.play': 'Play voice note',
	'voice.pause': 'Pause voice note',
	'voice.loading': 'Fetching the voice note…',
	'voice.playFailed': 'The voice note cannot be played: {detail}',
	'voice.event': '{author} sent a voice note ({duration})'
} as const;

export const voiceCs: Record<keyof typeof voiceEn, string> = {
	'voice.record': 'Nahrát hlasovou zprávu',
	'voice.stop': 'Zastavit nahrávání',
	'voice.cancel': 'Zrušit nahrávání',
	'voice.recording': 'Nahrává se… {time}',
	'voice.holdHint': 'Podržte pro nahrávání a pusťte pro odeslání, nebo klepněte pro spuštění',
	'voice.tooShort': 'Nic se nenahrálo. Podržte tlačítko o něco déle, nebo na něj klepněte a po dokončení stiskněte Zastavit nahrávání.',
	'voice.blocked': 'Caseroom nesmí používat mikrofon. Povolte mikrofon pro tento web v nastavení prohlížeče (ikona vedle adresy; na iPadu: Nastavení → Safari → Mikrofon) a zkuste to znovu.',
	'voice.noMicrophone': 'Nebyl nalezen žádný mikrofon. Připojte mikrofon (nebo náhlavní soupravu) a zkuste to znovu.',
	'voice.busy': 'Mikrofon nelze otevřít: možná ho používá jiná aplikace. Zavřete ji (hovor, diktafon) a zkuste to znovu.',
	'voice.unsupported': 'Tento prohlížeč neumí nahrávat zvuk. Aktualizujte ho, nebo použijte aktuální Chrome, Edge či Safari.',
	'voice.failed': 'Nahrávání selhalo: {detail}',
	'voice.note': 'Hlasová zpráva, {duration}',
	'voice.play': 'Přehrát hlasovou zprávu',
	'voice.pause': 'Pozastavit hlasovou zprávu',
	'voice.loading': 'Načítání hlasové zprávy…',
	'voice.playFailed': 'Hlasovou zprávu nelze přehrát: {detail}',
	'voice.event': '{author} poslal(a) hlasovou zprávu ({duration})'
};

export const voiceDe: Record<keyof typeof voiceEn, string> = {
	'voice.record': 'Sprachnachricht aufnehmen',
	'voice.stop': 'Aufnahme beenden',
	'voice.cancel': 'Aufnahme abbrechen',
	'voice.recording': 'Aufnahme läuft… {time}',
	'voice.holdHint': 'Zum Aufnehmen gedrückt halten und zum Senden loslassen, oder zum Starten tippen',
	'voice.tooShort': 'Es wurde nichts aufgenommen. Halten Sie die Taste etwas länger, oder tippen Sie darauf und drücken Sie Aufnahme beenden, wenn Sie fertig sind.',
	'voice.blocked': 'Caseroom darf das Mikrofon nicht verwenden. Erlauben Sie das Mikrofon für diese Seite in den Browser-Einstellungen (das Symbol neben der Adresse; auf einem iPad: Einstellungen → Safari → Mikrofon) und versuchen Sie es erneut.',
	'voice.noMicrophone': 'Es wurde kein Mikrofon gefunden. Schließen Sie eines (oder ein Headset) an und versuchen Sie es erneut.',
	'voice.busy': 'Das Mikrofon konnte nicht geöffnet werden: Vielleicht verwendet es eine andere App. Schließen Sie diese (ein Anruf, ein Rekorder) und versuchen Sie es erneut.',
	'voice.unsupported': 'Dieser Browser kann keinen Ton aufnehmen. Aktualisieren Sie ihn, oder verwenden Sie ein aktuelles Chrome, Edge oder Safari.',
	'voice.failed': 'Die Aufnahme ist fehlgeschlagen: {detail}',
	'voice.note': 'Sprachnachricht, {duration}',
	'voice.play': 'Sprachnachricht abspielen',
	'voice.pause': 'Sprachnachricht anhalten',
	'voice.loading': 'Die Sprachnachricht wird geholt…',
	'voice.playFailed': 'Die Sprachnachricht kann nicht abgespielt werden: {detail}',
	'voice.event': '{author} hat eine Sprachnachricht gesendet ({duration})'
};
