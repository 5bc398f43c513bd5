// What a fork/pin/COW scenario consists of: which user-space and kernel
// paths run, who holds GUP references, and in which order the test program
// starts them (the way a cow.c selftest is a short script). The model's
// paths are the same in every scenario; the scenario picks and orders them.

import type { Domain } from '../../src/index.ts';

/**
 * When a path may start. The checker explores every interleaving of the
 * started paths; these only express the test program's program order.
 */
export type Start =
  /** At any time, also before or during fork. */
  | 'any'
  /** After fork() returned in the parent (the child runs from then on). */
  | 'afterFork'
  /** After the child has exited (and fork returned). */
  | 'afterChildExit';

/** A GUP caller that takes and keeps references (the DMA/RDMA/pipe side). */
export interface HolderSpec {
  /** Column name in race diagrams: 'rdma', 'pipe', 'gupFast'. */
  readonly name: string;
  /** Proc index of the mm it pins pages of (0 parent, 1 child). */
  readonly owner: number;
  /** FOLL_PIN (pin_user_pages*) rather than FOLL_GET (get_user_pages*). */
  readonly pin: boolean;
  /** FOLL_WRITE: the device writes into the page. */
  readonly write: boolean;
  /** FOLL_LONGTERM (RDMA, io_uring fixed buffers); documents intent only, see docs. */
  readonly longterm: boolean;
  /** Tries the lockless gup_fast first (the *_fast entry points), else slow GUP. */
  readonly fast: boolean;
  readonly start: Start;
  /** Unpins/puts the reference again at some point. */
  readonly release: boolean;
}

export interface Scenario {
  /** Physical pages; page 0 starts as the parent's private anon page. */
  readonly pages: Domain;
  readonly holders: readonly HolderSpec[];
  /** The domain of holders, element i named holders[i].name. */
  readonly holderDomain: Domain;
  /** The parent writes to the page once (if set: from when). */
  readonly parentWrite?: Start;
  readonly childWrite?: Start;
  /** The parent munmaps the buffer after fork. */
  readonly parentUnmap?: boolean;
  /** The child munmaps the buffer. */
  readonly childUnmap?: boolean;
  /** The child exits. */
  readonly childExit?: boolean;
  /** The device writes through every held FOLL_WRITE reference. */
  readonly dma?: boolean;
  /**
   * A device driver with an interval notifier over the VA in the parent's
   * mm runs its atomic-fault loop once (driver.ts), starting at `start`.
   */
  readonly driver?: { readonly start: Start };
  /** The device uses its atomic grant: writes through its mirror. */
  readonly devWrite?: boolean;
  /** No fork in this scenario (the driver-only ones). */
  readonly noFork?: boolean;
  /**
   * Strong fairness of every path without a driver (scenarios with one
   * have it anyway): for progress properties of other paths (P15).
   */
  readonly fair?: boolean;
  /** The parent mprotect(PROT_READ)s the VA (hmm-tests exclusive_mprotect). */
  readonly parentMprotect?: Start;
}
