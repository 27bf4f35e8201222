/**
 * Sumo Logic answers (protocols.md §5): 200 received; 401 bad or regenerated URL token; 408 accepted but timed
 * out (possibly partly ingested); 429 quota throttling (data dropped: resend); 503/504 server trouble; 413 too
 * large. The outcome class is the generic table; Sumo's text and what it means for the operator are added.
 */
import { classifyHttpStatus } from '../shared/classify.ts';
import type { DeliveryOutcome, HttpResponse } from '../shared/types.ts';

const NOTES: Partial<Record<number, string>> = {
  401: 'the HTTP source URL is wrong, or was regenerated in Sumo Logic',
  408: 'Sumo Logic may have ingested part of this request; resending can duplicate events',
};

export function classifySumoLogicResponse(res: HttpResponse, now: number): DeliveryOutcome {
  const note = NOTES[res.status];
  const text = res.text();
  return classifyHttpStatus(
    { status: res.status, statusText: res.statusText, headers: res.headers, text: note ? `${text}${text ? ' ' : ''}(${note})` : text },
    now,
  );
}
