/** Where a task dropped on the calendar lands. */

/** A drop target: a day (week view) or an hour of a day (day view). */
export interface Slot {
  day: Date;
  hour?: number;
}

export function slotId(slot: Slot): string {
  const d = slot.day;
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}${slot.hour === undefined ? '' : `@${slot.hour}`}`;
}

/**
 * The due time after a drop: on another day it keeps its time of day; on an hour of the day
 * view it moves to that hour, keeping its minutes. Null when nothing changes.
 */
export function dueAfterDrop(dueAt: string, slot: Slot): string | null {
  const before = new Date(dueAt);
  const after = new Date(slot.day);
  after.setHours(slot.hour ?? before.getHours(), before.getMinutes(), 0, 0);
  return after.getTime() === before.getTime() ? null : after.toISOString();
}
