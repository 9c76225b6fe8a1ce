/**
 * One timer for every session's heartbeat. Members are spread over `slots` buckets; the
 * timer fires every `intervalMs / slots` and visits one bucket, so each member is visited
 * once per interval and the work is spread instead of arriving in one burst. The timer is
 * unref'd and only runs while the wheel has members.
 */
export interface HeartbeatMember {
  /** Bucket index owned by the wheel; -1 when not on a wheel. */
  heartbeatSlot: number;
  /** Called once per interval: ping when idle, fail when the last ping got no pong. */
  heartbeat(): void;
}

export class HeartbeatWheel {
  readonly intervalMs: number;
  private readonly buckets: Set<HeartbeatMember>[];
  private cursor = 0;
  private nextSlot = 0;
  private count = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(intervalMs: number, slots = 8) {
    if (!(intervalMs > 0)) throw new RangeError('heartbeat interval must be > 0');
    const bucketCount = Math.max(1, Math.min(slots, intervalMs));
    this.intervalMs = intervalMs;
    this.buckets = Array.from({ length: bucketCount }, () => new Set<HeartbeatMember>());
  }

  get size(): number {
    return this.count;
  }

  add(member: HeartbeatMember): void {
    if (member.heartbeatSlot >= 0) return;
    // New members go into the bucket visited last, so their first visit is a full interval away.
    const slot = (this.cursor + this.buckets.length - 1) % this.buckets.length;
    this.nextSlot = slot;
    this.buckets[slot]!.add(member);
    member.heartbeatSlot = slot;
    this.count++;
    if (this.timer === null) this.startTimer();
  }

  remove(member: HeartbeatMember): void {
    const slot = member.heartbeatSlot;
    if (slot < 0) return;
    member.heartbeatSlot = -1;
    if (this.buckets[slot]?.delete(member)) this.count--;
    if (this.count === 0) this.stopTimer();
  }

  /** Stops the timer and forgets every member. */
  clear(): void {
    for (const bucket of this.buckets) {
      for (const member of bucket) member.heartbeatSlot = -1;
      bucket.clear();
    }
    this.count = 0;
    this.stopTimer();
  }

  /** Visits the next bucket. Public for tests; the timer calls it. */
  tick(): void {
    const bucket = this.buckets[this.cursor]!;
    this.cursor = (this.cursor + 1) % this.buckets.length;
    for (const member of bucket) member.heartbeat();
  }

  /** The bucket a newly added member went to (for tests and diagnostics). */
  get lastAssignedSlot(): number {
    return this.nextSlot;
  }

  private startTimer(): void {
    const period = Math.max(1, Math.floor(this.intervalMs / this.buckets.length));
    this.timer = setInterval(() => this.tick(), period);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}

const sharedWheels = new Map<number, HeartbeatWheel>();

/** A process-wide wheel per interval (clients use it so N clients still share one timer). */
export function sharedHeartbeatWheel(intervalMs: number): HeartbeatWheel {
  let wheel = sharedWheels.get(intervalMs);
  if (wheel === undefined) {
    wheel = new HeartbeatWheel(intervalMs);
    sharedWheels.set(intervalMs, wheel);
  }
  return wheel;
}
