import { Tracker } from '../tracker.js';
import type { AnyPlan, TrackerOptions } from '../tracker-options.js';
import { browserStorage } from './browser-storage.js';
import { indexedDbPersistence } from './indexeddb-persistence.js';
import { localStoragePersistence } from './local-storage-persistence.js';
import { pageContext } from './page-context.js';

/** Browser options: where the queue is persisted and how page hide is handled. */
export interface BrowserTrackerOptions<P extends AnyPlan> extends Omit<TrackerOptions<P>, 'persistence'> {
  /** Default 'indexeddb' (falls back to 'localstorage' when IndexedDB is missing). */
  readonly persistence?: 'indexeddb' | 'localstorage' | 'memory' | TrackerOptions<P>['persistence'];
  /** Storage name (IndexedDB database / localStorage key); use one per tracker. Default 'tributary'. */
  readonly storageName?: string;
  /** Send queued messages with fetch keepalive on `pagehide` and `visibilitychange` (hidden). Default true. */
  readonly sendOnPageHide?: boolean;
}

/** A tracker that also listens for page hide; close() removes the listeners. */
export class BrowserTracker<P extends AnyPlan> extends Tracker<P> {
  private readonly onHide: () => void;
  private readonly onVisibility: () => void;

  constructor(options: TrackerOptions<P>, sendOnPageHide: boolean) {
    super(options);
    this.onHide = () => this.sendBeforeUnload();
    this.onVisibility = () => {
      if (document.visibilityState === 'hidden') this.sendBeforeUnload();
    };
    if (sendOnPageHide && typeof addEventListener === 'function') {
      addEventListener('pagehide', this.onHide);
      document.addEventListener('visibilitychange', this.onVisibility);
    }
  }

  override async close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (typeof removeEventListener === 'function') {
      removeEventListener('pagehide', this.onHide);
      document.removeEventListener('visibilitychange', this.onVisibility);
    }
    await super.close(options);
  }
}

/**
 * Creates a browser tracker typed by `plan`: IndexedDB persistence (localStorage fallback),
 * localStorage for anonymousId and session, page context on every message, keepalive send on
 * page hide.
 *
 * @example
 * const tracker = createBrowserTracker({ plan, endpoint: 'https://collect.example.com', writeKey: 'key' });
 * tracker.page();
 * tracker.track('signup_clicked', { plan: 'pro' });
 */
export function createBrowserTracker<P extends AnyPlan>(
  options: BrowserTrackerOptions<P>,
): BrowserTracker<P> {
  const warn = options.onWarning ?? ((message: string, error?: unknown) => console.warn(message, error));
  const name = options.storageName ?? 'tributary';
  const choice = options.persistence ?? 'indexeddb';
  const persistence =
    typeof choice === 'object'
      ? choice
      : choice === 'memory'
        ? undefined
        : choice === 'indexeddb' && typeof indexedDB !== 'undefined'
          ? indexedDbPersistence(name, warn)
          : typeof localStorage !== 'undefined'
            ? localStoragePersistence(`${name}.queue`, warn)
            : undefined;
  const context = pageContext();
  return new BrowserTracker<P>(
    {
      writeKeyIn: 'body',
      ...options,
      persistence,
      storage: options.storage ?? browserStorage(warn),
      dynamicContext: options.dynamicContext ?? context,
    },
    options.sendOnPageHide ?? true,
  );
}
