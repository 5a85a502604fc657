// Reads no UI state. The files' labels in English and Czech (`Nahrát nový soubor`, `Nahrát`, `Stáhnout` are CONTRACT.md's).
export const filesEn = {
	'files.choose': 'Files to share',
	'files.upload': 'Upload',
	'files.uploading': 'Sending {name}: {done} of {total} parts',
	'files.failed': 'The upload failed: {detail}',
	'files.download': 'Download',
	'files.open': 'Open file {name}',
	'files.fetching': 'Fetching the file: {done} of {total} parts',
	'files.notShown': 'This kind of file is not shown in the app (it could run code, or the browser cannot show it). Download it to open it.',
	'files.fetchFailed': 'The file could not be fetched: {detail}'
} as const;

export const filesCs: Record<keyof typeof filesEn, string> = {
	'files.choose': 'Soubory ke sdílení',
	'files.upload': 'Nahrát',
	'files.uploading': 'Odesílání {name}: část {done} z {total}',
	'files.failed': 'Nahrání se nezdařilo: {detail}',
	'files.download': 'Stáhnout',
	'files.open': 'Otevřít soubor {name}',
	'files.fetching': 'Načítání souboru: část {done} z {total}',
	'files.notShown': 'Tento druh souboru se v aplikaci nezobrazuje (mohl by spustit kód, nebo ho prohlížeč neumí zobrazit). Stáhněte si ho a otevřete.',
	'files.fetchFailed': 'Soubor se nepodařilo načíst: {detail}'
};
