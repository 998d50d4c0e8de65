/**
 * The CronJob controller (pkg/controller/cronjob/cronjob_controllerv2.go): at each scheduled
 * time creates the Job `<cronjob>-<scheduled time in minutes since the epoch>` from the
 * jobTemplate, honouring `concurrencyPolicy` (Allow, Forbid, Replace), `startingDeadlineSeconds`,
 * `suspend` and `timeZone`; tracks `status.active`, `lastScheduleTime` and `lastSuccessfulTime`;
 * keeps `successfulJobsHistoryLimit`/`failedJobsHistoryLimit` finished Jobs; and sleeps until
 * the next schedule (+100 ms) with `AddAfter`.
 * Events: `SuccessfulCreate` "Created job <job>", `SawCompletedJob` "Saw completed job: <job>,
 * condition: Complete", `SuccessfulDelete` "Deleted job <job>", `MissingJob`, `UnexpectedJob`,
 * `JobAlreadyActive`, `MissSchedule`, `UnparseableSchedule`, `UnknownTimeZone`, `TooManyMissedTimes`.
 */
import type { KubeObject } from "../../api/types";
import { formatTimestamp } from "../../core/time";
import {
  defineController,
  errorMessage,
  type HandlerContext,
  isSuccess,
  type SyncContext,
  statusReason,
} from "../framework/controller";
import {
  CONTROLLER_UID_INDEX,
  getControllerOf,
  keyOf,
  newControllerRef,
  splitKey,
} from "../framework/controller-ref";
import { parseTimestampMs } from "../framework/time";
import { isValidTimeZone, nextActivation, parseSchedule, type Schedule } from "./schedule";

const CRONJOBS = "cronjobs.batch";
const JOBS = "jobs.batch";

/** `nextScheduleDelta`: requeue a little after the schedule so the time has surely passed. */
const NEXT_SCHEDULE_DELTA_MS = 100;
/** `batchv1.CronJobScheduledTimestampAnnotation`. */
export const SCHEDULED_TIMESTAMP_ANNOTATION = "batch.kubernetes.io/cronjob-scheduled-timestamp";

type Ctx = SyncContext<null>;

interface JobRef {
  kind: string;
  namespace: string;
  name: string;
  uid: string;
  apiVersion: string;
  resourceVersion: string;
}

function finishedCondition(job: KubeObject): string | null {
  for (const c of (job.status?.conditions ?? []) as { type: string; status: string }[])
    if ((c.type === "Complete" || c.type === "Failed") && c.status === "True") return c.type;
  return null;
}

function cronJobOf(c: HandlerContext<null>, job: KubeObject): KubeObject | undefined {
  const ref = getControllerOf(job);
  if (ref?.kind !== "CronJob") return undefined;
  const cj = c.get(CRONJOBS, job.metadata.namespace ?? "", ref.name);
  return cj?.metadata.uid === ref.uid ? cj : undefined;
}

function jobsOf(c: Ctx, cj: KubeObject): KubeObject[] {
  return c.byIndex(JOBS, CONTROLLER_UID_INDEX, cj.metadata.uid ?? "");
}

/** The CronJob controller. */
export const cronJobController = defineController<null>({
  name: "cronjob-controller",
  aliases: ["cronjob"],
  component: "cronjob-controller",
  // --concurrent-cron-job-syncs (pkg/controller/cronjob/config/v1alpha1/defaults.go).
  workers: 5,
  informers: [{ resource: CRONJOBS }, { resource: JOBS, indexers: [CONTROLLER_UID_INDEX] }],
  init: () => null,
  handlers: {
    [CRONJOBS]: (c, d) => {
      if (d.type !== "DELETED") c.enqueue(keyOf(d.object));
    },
    [JOBS]: (c, d) => {
      const cj = cronJobOf(c, d.object);
      if (cj) c.enqueue(keyOf(cj));
    },
  },
  sync(c, key) {
    const { namespace, name } = splitKey(key);
    const cj = c.get(CRONJOBS, namespace, name);
    if (!cj) return;
    const jobs = jobsOf(c, cj);
    const active = (cj.status?.active as JobRef[] | undefined) ?? [];
    // Unfinished jobs we own but do not list as active, and active jobs the cache lacks, are
    // checked against the apiserver before acting (a cache may simply be behind).
    const unexpected = jobs.filter(
      (j) => !finishedCondition(j) && !active.some((a) => a.uid === j.metadata.uid),
    );
    const missing = active.filter((a) => !jobs.some((j) => j.metadata.uid === a.uid));
    if (unexpected.length > 0)
      c.request(
        { method: "GET", path: `/apis/batch/v1/namespaces/${namespace}/cronjobs/${name}` },
        { label: "cronjob" },
      );
    for (const a of missing)
      c.request(
        { method: "GET", path: `/apis/batch/v1/namespaces/${namespace}/jobs/${a.name}` },
        { label: a.uid },
      );
    c.continueWith("checked");
  },
  steps: {
    checked(c, results) {
      const { namespace, name } = splitKey(c.key);
      let cj = c.get(CRONJOBS, namespace, name);
      if (!cj) return;
      const live = results.find((r) => r.label === "cronjob");
      if (live && isSuccess(live)) cj = live.body as KubeObject;
      const status: Record<string, unknown> = { ...(cj.status ?? {}) };
      let active = [...((status.active as JobRef[] | undefined) ?? [])];
      let updateStatus = false;
      const jobs = jobsOf(c, cj);
      const children = new Set(jobs.map((j) => j.metadata.uid));
      for (const j of jobs) {
        const found = active.some((a) => a.uid === j.metadata.uid);
        const cond = finishedCondition(j);
        if (!found && !cond) {
          c.event(
            cj,
            "Warning",
            "UnexpectedJob",
            `Saw a job that the controller did not create or forgot: ${j.metadata.name}`,
          );
        } else if (found && cond) {
          active = active.filter((a) => a.uid !== j.metadata.uid);
          c.event(
            cj,
            "Normal",
            "SawCompletedJob",
            `Saw completed job: ${j.metadata.name}, condition: ${cond}`,
          );
          updateStatus = true;
        } else if (cond) {
          const done = j.status?.completionTime as string | undefined;
          const last = status.lastSuccessfulTime as string | undefined;
          if (done && (!last || parseTimestampMs(done) > parseTimestampMs(last))) {
            status.lastSuccessfulTime = done;
            updateStatus = true;
          }
        }
      }
      for (const a of [...active]) {
        if (children.has(a.uid)) continue;
        const r = results.find((x) => x.label === a.uid);
        if (r?.code === 404) {
          c.event(cj, "Normal", "MissingJob", `Active job went missing: ${a.name}`);
          active = active.filter((x) => x.uid !== a.uid);
          updateStatus = true;
        } else if (r && !isSuccess(r)) {
          c.fail(errorMessage(r));
          return;
        }
      }
      if (active.length > 0) status.active = active;
      else delete status.active;
      decide(c, cj, status, updateStatus);
    },
    created(c, results, data) {
      const run = data as Run;
      const r = results.find((x) => x.label === "create");
      if (r) {
        if (isSuccess(r)) {
          const job = r.body as KubeObject;
          c.event(run.cj, "Normal", "SuccessfulCreate", `Created job ${job.metadata.name}`);
          addActive(run, job);
        } else if (statusReason(r) === "AlreadyExists") {
          const existing = c.get(JOBS, run.cj.metadata.namespace ?? "", run.jobName);
          if (
            existing &&
            getControllerOf(existing)?.uid === run.cj.metadata.uid &&
            !activeOf(run).some((a) => a.uid === existing.metadata.uid)
          )
            addActive(run, existing);
        } else {
          const causes =
            (r.body as { details?: { causes?: { type?: string }[] } } | undefined)?.details?.causes ?? [];
          if (!causes.some((x) => x.type === "NamespaceTerminating"))
            c.event(run.cj, "Warning", "FailedCreate", `Error creating job: ${errorMessage(r)}`);
          run.error = errorMessage(r);
        }
      }
      // Replace: the running Jobs deleted before the new one was created.
      for (const x of results) {
        if (typeof x.label !== "string" || !x.label.startsWith("replace:")) continue;
        if (isSuccess(x) || x.code === 404)
          c.event(run.cj, "Normal", "SuccessfulDelete", `Deleted job ${x.label.slice(8)}`);
        else run.error ??= errorMessage(x);
      }
      cleanupAndUpdate(c, run);
    },
    cleaned(c, results, data) {
      const run = data as Run;
      for (const r of results) {
        const j = r.label as { uid: string; name: string };
        if (isSuccess(r) || r.code === 404) {
          run.status.active = activeOf(run).filter((a) => a.uid !== j.uid);
          if ((run.status.active as JobRef[]).length === 0) delete run.status.active;
          c.event(run.cj, "Normal", "SuccessfulDelete", `Deleted job ${j.name}`);
          run.updateStatus = true;
        } else c.event(run.cj, "Warning", "FailedDelete", `Deleted job: ${errorMessage(r)}`);
      }
      writeStatus(c, run);
    },
    statusWritten(c, results, data) {
      const run = data as Run;
      const r = results[0];
      if (r && !isSuccess(r)) {
        c.fail(`updating status: ${errorMessage(r)}`);
        return;
      }
      if (run.requeueAfterMs !== null) c.enqueueAfter(c.key, run.requeueAfterMs);
      else if (run.error !== null) c.fail(run.error);
    },
  },
});

/** A sync past the checks (step data). */
interface Run {
  cj: KubeObject;
  /** The schedule being started (Unix ms). */
  scheduledMs?: number;
  status: Record<string, unknown>;
  updateStatus: boolean;
  requeueAfterMs: number | null;
  jobName: string;
  error: string | null;
}

function activeOf(run: Run): JobRef[] {
  return (run.status.active as JobRef[] | undefined) ?? [];
}

function addActive(run: Run, job: KubeObject): void {
  run.status.active = [
    ...activeOf(run),
    {
      kind: "Job",
      namespace: job.metadata.namespace ?? "",
      name: job.metadata.name ?? "",
      uid: job.metadata.uid ?? "",
      apiVersion: "batch/v1",
      resourceVersion: job.metadata.resourceVersion ?? "",
    },
  ];
  run.status.lastScheduleTime = formatTimestamp(run.scheduledMs!);
  run.updateStatus = true;
}

/** `mostRecentScheduleTime`: the latest missed schedule at or before now, and how many were missed. */
function mostRecentScheduleTime(
  cj: KubeObject,
  status: Record<string, unknown>,
  nowMs: number,
  sched: Schedule,
  tz: string,
  includeDeadline: boolean,
): { earliest: number; mostRecent: number | null; missed: number } {
  let earliest = parseTimestampMs(cj.metadata.creationTimestamp ?? "");
  if (status.lastScheduleTime) earliest = parseTimestampMs(status.lastScheduleTime as string);
  const deadline = cj.spec?.startingDeadlineSeconds;
  if (includeDeadline && deadline !== undefined && deadline !== null) {
    const schedulingDeadline = nowMs - deadline * 1000;
    if (schedulingDeadline > earliest) earliest = schedulingDeadline;
  }
  const t1 = nextActivation(sched, earliest, tz);
  if (t1 === null || nowMs < t1) return { earliest, mostRecent: null, missed: 0 };
  const t2 = nextActivation(sched, t1, tz);
  if (t2 === null || nowMs < t2) return { earliest, mostRecent: t1, missed: 1 };
  const between = Math.round((t2 - t1) / 1000);
  if (between < 1) return { earliest, mostRecent: null, missed: 0 };
  const missed = Math.floor((nowMs - t1) / 1000 / between) + 1;
  let mostRecent = t1;
  let t = nextActivation(sched, t1 + (missed - 2) * between * 1000, tz);
  while (t !== null && t <= nowMs) {
    mostRecent = t;
    t = nextActivation(sched, t, tz);
  }
  return { earliest, mostRecent, missed };
}

/** `nextScheduleTimeDuration`: until the schedule after the most recent one, + 100 ms. */
function nextScheduleDelay(
  cj: KubeObject,
  status: Record<string, unknown>,
  nowMs: number,
  sched: Schedule,
  tz: string,
): number | null {
  const { earliest, mostRecent } = mostRecentScheduleTime(cj, status, nowMs, sched, tz, false);
  const next = nextActivation(sched, mostRecent ?? earliest, tz);
  return next === null ? null : next + NEXT_SCHEDULE_DELTA_MS - nowMs;
}

/** The rest of `syncCronJob`: decide whether to start a Job now. */
function decide(c: Ctx, cj: KubeObject, status: Record<string, unknown>, updateStatus: boolean): void {
  const run: Run = { cj, status, updateStatus, requeueAfterMs: null, jobName: "", error: null };
  const tz = (cj.spec?.timeZone as string | undefined) ?? "";
  if (cj.metadata.deletionTimestamp) {
    cleanupAndUpdate(c, run);
    return;
  }
  if (cj.spec?.timeZone !== undefined && !isValidTimeZone(tz)) {
    c.event(cj, "Warning", "UnknownTimeZone", `invalid timeZone: "${tz}": unknown time zone ${tz}`);
    cleanupAndUpdate(c, run);
    return;
  }
  if (cj.spec?.suspend) {
    cleanupAndUpdate(c, run);
    return;
  }
  let sched: Schedule;
  try {
    sched = parseSchedule(cj.spec?.schedule ?? "");
  } catch (e) {
    c.event(
      cj,
      "Warning",
      "UnparseableSchedule",
      `unparseable schedule: "${cj.spec?.schedule}" : ${(e as Error).message}`,
    );
    cleanupAndUpdate(c, run);
    return;
  }
  const now = c.unixMs;
  const { mostRecent, missed } = mostRecentScheduleTime(cj, status, now, sched, tz, true);
  run.requeueAfterMs = nextScheduleDelay(cj, status, now, sched, tz);
  if (mostRecent === null || mostRecent > now) {
    cleanupAndUpdate(c, run);
    return;
  }
  if (missed > 100)
    c.event(
      cj,
      "Warning",
      "TooManyMissedTimes",
      `too many missed start times: ${missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`,
    );
  const deadline = cj.spec?.startingDeadlineSeconds;
  if (deadline !== undefined && deadline !== null && mostRecent + deadline * 1000 < now) {
    c.event(cj, "Warning", "MissSchedule", `Missed scheduled time to start a job: ${rfc1123z(mostRecent)}`);
    cleanupAndUpdate(c, run);
    return;
  }
  // Job names carry the scheduled time in minutes: the name is the lock against double starts.
  run.jobName = `${cj.metadata.name}-${Math.floor(mostRecent / 60_000)}`;
  if (
    activeOf(run).some((a) => a.name === run.jobName) ||
    (status.lastScheduleTime !== undefined &&
      parseTimestampMs(status.lastScheduleTime as string) === mostRecent)
  ) {
    cleanupAndUpdate(c, run);
    return;
  }
  const policy = cj.spec?.concurrencyPolicy ?? "Allow";
  if (policy === "Forbid" && activeOf(run).length > 0) {
    c.event(
      cj,
      "Normal",
      "JobAlreadyActive",
      "Not starting job because prior execution is running and concurrency policy is Forbid",
    );
    cleanupAndUpdate(c, run);
    return;
  }
  if (policy === "Replace")
    for (const a of activeOf(run)) {
      c.delete(
        JOBS,
        a.namespace,
        a.name,
        { propagationPolicy: "Background" },
        { label: `replace:${a.name}` },
      );
      run.status.active = activeOf(run).filter((x) => x.uid !== a.uid);
      run.updateStatus = true;
    }
  if (activeOf(run).length === 0) delete run.status.active;
  run.scheduledMs = mostRecent;
  c.create(JOBS, cj.metadata.namespace ?? "", jobFromTemplate(cj, mostRecent, tz, run.jobName), {
    label: "create",
  });
  c.continueWith("created", run);
}

/** `getJobFromTemplate2`. */
function jobFromTemplate(cj: KubeObject, scheduledMs: number, tz: string, name: string): KubeObject {
  const t = cj.spec?.jobTemplate ?? {};
  const annotations: Record<string, string> = { ...(t.metadata?.annotations ?? {}) };
  annotations[SCHEDULED_TIMESTAMP_ANNOTATION] = rfc3339In(scheduledMs, tz);
  const metadata: KubeObject["metadata"] = { name, annotations, ownerReferences: [newControllerRef(cj)] };
  if (t.metadata?.labels) metadata.labels = { ...t.metadata.labels };
  return { apiVersion: "batch/v1", kind: "Job", metadata, spec: JSON.parse(JSON.stringify(t.spec ?? {})) };
}

/** RFC 3339 in a zone (`2025-01-01T10:00:00+01:00`, or `Z` in UTC). */
function rfc3339In(unixMs: number, tz: string): string {
  if (tz === "" || tz === "UTC" || tz === "Local") return formatTimestamp(unixMs);
  const next = nextOffset(unixMs, tz);
  const local = formatTimestamp(unixMs + next).slice(0, 19);
  const sign = next < 0 ? "-" : "+";
  const abs = Math.abs(next) / 60_000;
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

function nextOffset(unixMs: number, tz: string): number {
  const parts: Record<string, number> = {};
  const f = new Intl.DateTimeFormat("en-US", {
    timeZone: tz,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
  for (const p of f.formatToParts(unixMs)) if (p.type !== "literal") parts[p.type] = Number(p.value);
  const wall = `${String(parts.year).padStart(4, "0")}-${String(parts.month).padStart(2, "0")}-${String(parts.day).padStart(2, "0")}T${String(parts.hour).padStart(2, "0")}:${String(parts.minute).padStart(2, "0")}:${String(parts.second).padStart(2, "0")}Z`;
  return parseTimestampMs(wall) - Math.floor(unixMs / 1000) * 1000;
}

/** Go's time.RFC1123Z in UTC: "Mon, 02 Jan 2006 15:04:05 +0000". */
function rfc1123z(unixMs: number): string {
  const iso = formatTimestamp(unixMs);
  const days = Math.floor(unixMs / 86_400_000);
  const dow = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((days % 7) + 7) % 7]!;
  const mon = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][
    Number(iso.slice(5, 7)) - 1
  ]!;
  return `${dow}, ${iso.slice(8, 10)} ${mon} ${iso.slice(0, 4)} ${iso.slice(11, 19)} +0000`;
}

/** `cleanupFinishedJobs`, then `UpdateStatus` if anything changed. */
function cleanupAndUpdate(c: Ctx, run: Run): void {
  const cj = run.cj;
  const jobs = jobsOf(c, cj);
  const byStart = (a: KubeObject, b: KubeObject) => {
    const sa = a.status?.startTime as string | undefined;
    const sb = b.status?.startTime as string | undefined;
    if (sa && sb && sa !== sb) return parseTimestampMs(sa) - parseTimestampMs(sb);
    if (!sa !== !sb) return sa ? -1 : 1;
    return (a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1;
  };
  let deleting = false;
  for (const [cond, limit] of [
    ["Complete", cj.spec?.successfulJobsHistoryLimit],
    ["Failed", cj.spec?.failedJobsHistoryLimit],
  ] as const) {
    if (limit === undefined || limit === null) continue;
    const finished = jobs.filter((j) => finishedCondition(j) === cond).sort(byStart);
    for (let i = 0; i < finished.length - limit; i++) {
      const j = finished[i]!;
      c.delete(
        JOBS,
        j.metadata.namespace ?? "",
        j.metadata.name ?? "",
        { propagationPolicy: "Background" },
        {
          label: { uid: j.metadata.uid, name: j.metadata.name },
        },
      );
      deleting = true;
    }
  }
  if (deleting) {
    c.continueWith("cleaned", run);
    return;
  }
  writeStatus(c, run);
}

function writeStatus(c: Ctx, run: Run): void {
  if (run.updateStatus) c.updateStatus(CRONJOBS, { ...run.cj, status: run.status });
  c.continueWith("statusWritten", run);
}
