/**
 * A publish body refused as a whole (400/413/422) in the SQLite append worker, as plain data: a SiemError's own
 * class and properties do not survive structured cloning, so it crosses to the main thread as this and is thrown
 * there as the SiemError the main thread would have thrown itself.
 */
import { SiemError, ValidationError, type ErrorCode, type ValidationIssue } from '../errors.ts';

export interface BodyRefusal {
  code: ErrorCode;
  statusCode: number;
  message: string;
  details?: unknown;
}

/** The refusal a thrown error stands for; undefined for an error that is not a SiemError (a bug: a 500). */
export function bodyRefusal(err: unknown): BodyRefusal | undefined {
  if (!(err instanceof SiemError)) return undefined;
  return { code: err.code, statusCode: err.statusCode, message: err.message, details: err.details };
}

/** The SiemError to throw for a refusal. */
export function refusalError(refusal: BodyRefusal): SiemError {
  if (refusal.code === 'SIEM_ERR_VALIDATION') return new ValidationError(refusal.details as ValidationIssue[], refusal.message);
  return new SiemError(refusal.code, refusal.statusCode, refusal.message, refusal.details);
}
