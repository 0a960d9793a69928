/**
 * What a channel may be created or changed with, checked once for the API and the CLI alike. A bad value is an
 * `invalid_request` naming the field.
 */
import { z } from 'zod';
import { AppError } from '../errors.js';

/** Meta's ids are numeric strings (`106540352242922`); the App Dashboard shows it under API Setup. */
const phoneNumberId = z
  .string()
  .regex(/^\d{1,32}$/, 'must be the numeric phone_number_id shown in the App Dashboard (API Setup)');
const secret = (what: string) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .max(4096)
    .refine((value) => value.trim() === value, `${what} must not start or end with white space`);
const graphUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://graph.facebook.com/v26.0' })
  .transform((url) => url.replace(/\/+$/, ''));
const name = z.string().trim().min(1).max(200);

export const createChannelInput = z
  .object({
    phoneNumberId,
    appSecret: secret('appSecret'),
    verifyToken: secret('verifyToken'),
    accessToken: secret('accessToken').optional(),
    graphUrl: graphUrl.optional(),
    name: name.optional(),
  })
  .strict();
export type CreateChannelInput = z.input<typeof createChannelInput>;

/** A change: only the fields given change; `null` removes an optional one (access token, Graph URL, name). */
export const updateChannelInput = z
  .object({
    appSecret: secret('appSecret').optional(),
    verifyToken: secret('verifyToken').optional(),
    accessToken: secret('accessToken').nullable().optional(),
    graphUrl: graphUrl.nullable().optional(),
    name: name.nullable().optional(),
  })
  .strict();
export type UpdateChannelInput = z.input<typeof updateChannelInput>;

export function parseChannelInput<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue?.path.join('.') || 'body';
  throw new AppError('invalid_request', `${field}: ${issue?.message ?? 'invalid'}`, 400, {
    parameter: field,
  });
}
