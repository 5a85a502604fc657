// Reads no UI state. The labels of photos in the conversation and of the picture viewer, in English, Czech and German
// (`Take photo` is files.takePhoto, CONTRACT.md's).
export const photoEn = {
	'photo.sharing': 'Keeping {name} on this device…',
	'photo.failed': 'The photo could not be shared: {detail}',
	'photo.notPicture': '{name} is not a picture. Share other files with Share → Upload new file.',
	'photo.noThumbnail': 'Picture {name} (no preview)',
	'viewer.picture': 'Picture: pinch, scroll or use the buttons to zoom; drag to move when zoomed',
	'viewer.zoom': '{percent} %',
	'viewer.annotate': 'Annotate',
	'viewer.annotateTitle': 'Notes on {name}',
	'viewer.annotateFailed': 'The picture could not be opened on a whiteboard: {detail}',
	'viewer.preview': 'Showing the preview until the full picture is here'
} as const;

export const photoCs: Record<keyof typeof photoEn, string> = {
	'photo.sharing': 'Ukládání {name} do tohoto zařízení…',
	'photo.failed': 'Fotku se nepodařilo sdílet: {detail}',
	'photo.notPicture': '{name} není obrázek. Jiné soubory sdílejte přes Sdílet → Nahrát nový soubor.',
	'photo.noThumbnail': 'Obrázek {name} (bez náhledu)',
	'viewer.picture': 'Obrázek: přibližte roztažením prstů, kolečkem nebo tlačítky; přiblížený posunete tažením',
	'viewer.zoom': '{percent} %',
	'viewer.annotate': 'Popsat',
	'viewer.annotateTitle': 'Poznámky k {name}',
	'viewer.annotateFailed': 'Obrázek se nepodařilo otevřít na tabuli: {detail}',
	'viewer.preview': 'Zobrazuje se náhled, dokud nedorazí celý obrázek'
};

export const photoDe: Record<keyof typeof photoEn, string> = {
	'photo.sharing': '{name} wird auf diesem Gerät gespeichert…',
	'photo.failed': 'Das Foto konnte nicht geteilt werden: {detail}',
	'photo.notPicture': '{name} ist kein Bild. Andere Dateien teilen Sie mit Teilen → Neue Datei hochladen.',
	'photo.noThumbnail': 'Bild {name} (keine Vorschau)',
	'viewer.picture': 'Bild: mit zwei Fingern, dem Mausrad oder den Tasten zoomen; vergrößert zum Verschieben ziehen',
	'viewer.zoom': '{percent} %',
	'viewer.annotate': 'Beschriften',
	'viewer.annotateTitle': 'Notizen zu {name}',
	'viewer.annotateFailed': 'Das Bild konnte nicht auf einem Whiteboard geöffnet werden: {detail}',
	'viewer.preview': 'Die Vorschau wird gezeigt, bis das ganze Bild da ist'
};
