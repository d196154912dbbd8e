/**
 * Short-term memory of which topics already stored each recent event id, so that a client
 * retrying with the same id (after a lost answer, a timeout or a partial failure) publishes only
 * what is still missing. Per API process and bounded in time and size: a retry that lands on
 * another instance, or after the memory expired, publishes again (delivery is at least once).
 *
 * @module
 */

/** Options for {@linkcode RecentEvents}. */
export interface RecentEventsOptions {
  /** How long an id is remembered after its last publish, in ms. */
  ttlMs: number;
  /** Most ids remembered; the oldest are forgotten first. */
  maxEntries: number;
  /** Clock, for tests; defaults to `Date.now`. */
  now?: () => number;
}

interface Entry {
  topics: Set<string>;
  expires: number;
}

/** Remembers, per event id, the topics that acknowledged it. */
export class RecentEvents {
  #entries = new Map<string, Entry>();
  #locks = new Map<string, Promise<void>>();
  #options: Required<RecentEventsOptions>;

  /** @param options Memory bounds. */
  constructor(options: RecentEventsOptions) {
    this.#options = { now: Date.now, ...options };
  }

  /** Number of ids remembered (expired ones included until touched). */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The topics that already stored this event.
   *
   * @param id The event id.
   * @returns The topics; empty when the id is unknown or expired.
   */
  storedTopics(id: string): ReadonlySet<string> {
    const entry = this.#entries.get(id);
    if (entry === undefined) return new Set();
    if (entry.expires <= this.#options.now()) {
      this.#entries.delete(id);
      return new Set();
    }
    return entry.topics;
  }

  /**
   * Records that a topic stored the event.
   *
   * @param id The event id.
   * @param topic The topic that acknowledged it.
   */
  markStored(id: string, topic: string): void {
    const topics = new Set(this.storedTopics(id));
    topics.add(topic);
    this.#entries.delete(id);
    this.#entries.set(id, { topics, expires: this.#options.now() + this.#options.ttlMs });
    while (this.#entries.size > this.#options.maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  /**
   * Runs `task` while no other task for the same id runs, so two concurrent requests with one id
   * do not both publish.
   *
   * @param id The event id.
   * @param task The work to serialize.
   * @returns What the task returns.
   */
  async exclusive<T>(id: string, task: () => Promise<T>): Promise<T> {
    while (this.#locks.has(id)) await this.#locks.get(id);
    let release!: () => void;
    this.#locks.set(id, new Promise<void>((resolve) => release = resolve));
    try {
      return await task();
    } finally {
      this.#locks.delete(id);
      release();
    }
  }
}
