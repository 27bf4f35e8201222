/** The classification attributes every OCSF event siemstream builds starts with (ids plus their captions). */
import { ocsfClass } from './classes.ts';
import { CATEGORY_CAPTIONS, SEVERITY_CAPTIONS } from './vocabulary.ts';

export type EventHeader = {
  class_uid: number;
  class_name: string;
  category_uid: number;
  category_name: string;
  activity_id: number;
  activity_name: string;
  type_uid: number;
  type_name: string;
  severity_id: number;
  severity: string;
};

/**
 * @param activityName overrides the caption; OCSF asks for the source's own label when activity_id is 99 (Other).
 */
export function eventHeader(classUid: number, activityId: number, severityId: number, activityName?: string): EventHeader {
  const rule = ocsfClass(classUid);
  const caption = rule.activities[activityId];
  if (caption === undefined) throw new Error(`activity ${activityId} is not an activity of OCSF class ${classUid}`);
  const categoryUid = Math.floor(classUid / 1000);
  return {
    class_uid: classUid,
    class_name: rule.caption,
    category_uid: categoryUid,
    category_name: CATEGORY_CAPTIONS[categoryUid],
    activity_id: activityId,
    activity_name: activityName ?? caption,
    type_uid: classUid * 100 + activityId,
    type_name: `${rule.caption}: ${caption}`,
    severity_id: severityId,
    severity: SEVERITY_CAPTIONS[severityId],
  };
}
