import type { Logger } from "@kubelab/ops";
import type { Redis } from "ioredis";
import { compareStreamIds, entryData } from "./streams";

/** Receives stream entries in order; returns false when it cannot take more (slow reader). */
export interface FeedSubscriber {
  deliver(id: string, data: string): void;
}

/**
 * One blocking reader per cluster stream, fanned out to every websocket
 * watching that cluster: 500 viewers cost one Redis connection, not 500.
 */
export class ClusterFeed {
  private readonly subscribers = new Set<FeedSubscriber>();
  private position = "0-0";
  private running = false;
  private started: Promise<void> | undefined;

  constructor(
    private readonly key: string,
    private readonly reader: Redis,
    private readonly logger: Logger,
    private readonly onEmpty: () => void,
  ) {}

  /**
   * Adds a subscriber that resumes after `lastEventId` (exclusive): retained
   * entries it missed are replayed from the stream first, then live ones follow.
   */
  async subscribe(
    subscriber: FeedSubscriber,
    lastEventId: string | undefined,
    history: Redis,
  ): Promise<void> {
    this.subscribers.add(subscriber);
    await this.start(history);
    let delivered = lastEventId;
    if (lastEventId) {
      const entries = (await history.xrange(this.key, `(${lastEventId}`, "+", "COUNT", 10_000)) as [
        string,
        string[],
      ][];
      for (const [id, fields] of entries) {
        const data = entryData(fields);
        if (data !== undefined) subscriber.deliver(id, data);
        delivered = id;
      }
    }
    // Live entries at or before what the replay delivered are skipped.
    floor.set(subscriber, delivered);
  }

  unsubscribe(subscriber: FeedSubscriber): void {
    this.subscribers.delete(subscriber);
    floor.delete(subscriber);
    if (this.subscribers.size === 0) {
      this.running = false;
      this.reader.disconnect();
      this.onEmpty();
    }
  }

  /**
   * Starts reading after the stream's current last entry. Replays (XRANGE)
   * happen after this position is fixed, so every entry is either replayed or
   * read live; the per-subscriber floor removes the overlap.
   */
  private start(history: Redis): Promise<void> {
    if (!this.started) {
      this.running = true;
      this.started = (async () => {
        const last = (await history.xrevrange(this.key, "+", "-", "COUNT", 1)) as [string, string[]][];
        this.position = last[0]?.[0] ?? "0-0";
        void this.loop();
      })();
    }
    return this.started;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        const result = (await this.reader.xread(
          "COUNT",
          1_000,
          "BLOCK",
          5_000,
          "STREAMS",
          this.key,
          this.position,
        )) as [string, [string, string[]][]][] | null;
        if (!result) continue;
        for (const [, entries] of result) {
          for (const [id, fields] of entries) {
            this.position = id;
            const data = entryData(fields);
            if (data === undefined) continue;
            for (const subscriber of this.subscribers) {
              const seen = floor.get(subscriber);
              if (seen !== undefined && compareStreamIds(id, seen) <= 0) continue;
              subscriber.deliver(id, data);
            }
          }
        }
      } catch (error) {
        if (!this.running) return;
        this.logger.warn({ err: error, key: this.key }, "stream read failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }
}

const floor = new WeakMap<FeedSubscriber, string | undefined>();
