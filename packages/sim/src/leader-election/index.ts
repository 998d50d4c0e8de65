/**
 * Lease-based leader election for components (client-go `tools/leaderelection` with a
 * `LeaseLock`); see `leader-elector.ts` for the algorithm and a usage example.
 */
export { newHolderIdentity, newUuid } from "./identity";
export {
  createLeaderElection,
  DEFAULT_LEASE_DURATION_MS,
  DEFAULT_RENEW_DEADLINE_MS,
  DEFAULT_RETRY_PERIOD_MS,
  type ElectionAttempt,
  type ElectionPhase,
  type ElectionResult,
  handleElectionMessage,
  handleElectionTimer,
  isLeader,
  JITTER_FACTOR,
  type LeaderElectionConfig,
  type LeaderElectionState,
  observedLeader,
  startElection,
  stopElection,
} from "./leader-elector";
export { eventName, leaderElectionEvent } from "./lease-event";
export {
  type LeaderElectionRecord,
  type Lease,
  leaseSpecToRecord,
  leasesPath,
  recordToLeaseSpec,
} from "./lease-lock";
