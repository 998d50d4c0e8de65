/** PrioritySort (`plugins/queuesort/priority_sort.go`): the QueueSort plugin. */
import type { QueuedPodInfo, QueueSortPlugin } from "../../framework/interface";
import { Names } from "../names";

/** Higher priority first; equal priority, the pod queued earlier first. */
export class PrioritySort implements QueueSortPlugin {
  readonly name = Names.PrioritySort;

  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    const p1 = a.podInfo.priority;
    const p2 = b.podInfo.priority;
    return p1 > p2 || (p1 === p2 && a.timestamp < b.timestamp);
  }
}
