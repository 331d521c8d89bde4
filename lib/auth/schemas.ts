// Limits for account forms: what a student may type, checked before anything is written.
import { z } from 'zod';

export const emailSchema = z
  .string({ error: 'Enter your email.' })
  .trim()
  .min(3, 'Enter your email.')
  .max(254, 'That email is too long (254 characters at most).')
  .email('Enter a valid email, like ada@example.com.');

export const signUpSchema = z.object({
  email: emailSchema,
  password: z
    .string({ error: 'Choose a password.' })
    .min(8, 'Use at least 8 characters for your password.')
    .max(200, 'Use at most 200 characters for your password.'),
});

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string({ error: 'Enter your password.' }).min(1, 'Enter your password.').max(200, 'Wrong email or password.'),
});

/** First message of a failed parse, for showing next to a form. */
export function firstIssue(err: z.ZodError): string {
  return err.issues[0]?.message ?? 'Invalid input.';
}
