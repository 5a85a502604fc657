// Reads no UI state. Branded identifiers, so a person's id cannot be passed where a case id is expected.
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type UserId = Brand<string, 'UserId'>;
export type OrgId = Brand<string, 'OrgId'>;
export type CaseId = Brand<string, 'CaseId'>;
/** An automerge-repo DocumentId (bs58check), kept as a plain string here so the model needs no automerge import. */
export type ConversationId = Brand<string, 'ConversationId'>;
export type MessageId = Brand<string, 'MessageId'>;

export const asUserId = (s: string) => s as UserId;
export const asOrgId = (s: string) => s as OrgId;
export const asCaseId = (s: string) => s as CaseId;
export const asConversationId = (s: string) => s as ConversationId;
export const asMessageId = (s: string) => s as MessageId;
