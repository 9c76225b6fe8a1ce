/**
 * Liveness bookkeeping for one connection, driven by the heartbeat wheel: any inbound bytes
 * mark the peer alive; a visit that finds the connection idle sends a ping; the next visit
 * that finds that ping unanswered (no pong, no other traffic) declares a heartbeat timeout.
 */
export type HeartbeatVerdict = 'alive' | 'send-ping' | 'timed-out';

export class HeartbeatState {
  private sawTraffic = true;
  private awaitingPong = false;

  /** Inbound data arrived (any frame counts as a sign of life). */
  markAlive(): void {
    this.sawTraffic = true;
    this.awaitingPong = false;
  }

  /** One wheel visit. */
  visit(): HeartbeatVerdict {
    if (this.sawTraffic) {
      this.sawTraffic = false;
      return 'alive';
    }
    if (this.awaitingPong) return 'timed-out';
    this.awaitingPong = true;
    return 'send-ping';
  }
}
