// What went wrong, as a sentence to show the person: an Error's message, or whatever was thrown.
export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
