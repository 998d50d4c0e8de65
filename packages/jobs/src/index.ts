export {
  type JobDefinition,
  type JobName,
  type JobPayload,
  jobCatalog,
  type ParsedJobPayload,
  parseJobPayload,
  QUEUES,
  type QueueName,
} from "./catalog";
export { bullPrefix, JobQueues, queueOptions } from "./queues";
