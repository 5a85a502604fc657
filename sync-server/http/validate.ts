// Checks for untrusted JSON bodies: each failure is a 400 with a message saying what was expected.
import { HttpError } from './http-util.ts';

export function object(value: unknown): Record<string, unknown> {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpError(400, 'The request body must be a JSON object.');
	return value as Record<string, unknown>;
}

export function stringArray(value: unknown, field: string, max = 500): string[] {
	if (!Array.isArray(value) || value.length > max || !value.every((v) => typeof v === 'string'))
		throw new HttpError(400, `"${field}" must be an array of at most ${max} user ids (strings).`);
	return value as string[];
}
