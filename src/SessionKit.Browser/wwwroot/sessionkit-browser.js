// Copyright (c) SessionKit contributors. Licensed under the MIT License.
//
// SessionKit.Browser's side in JavaScript: reads and writes of web storage, a compare-and-set made atomic across tabs with a
// short Web Lock, the cross-tab refresh lock (Web Locks, else a lease in localStorage), and the events that tell .NET another
// tab changed a session or this tab woke up. Never logs, and never sends anything anywhere: values stay in this origin's storage.

const LOCAL = 0;
const SESSION = 1;

let tabId = newId().slice(0, 8);
const tickets = new Map();
let config = null;

function newId() {
  if (globalThis.crypto && typeof globalThis.crypto.randomUUID === "function") {
    return globalThis.crypto.randomUUID().replace(/-/g, "");
  }

  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, b => b.toString(16).padStart(2, "0")).join("");
}

function area(kind) {
  return kind === SESSION ? window.sessionStorage : window.localStorage;
}

function webLocksAvailable() {
  return !!(navigator.locks && typeof navigator.locks.request === "function");
}

function delay(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

function notify(method, ...args) {
  const listener = config && config.listener;
  if (listener) {
    listener.invokeMethodAsync(method, ...args).catch(() => { /* the .NET side is gone (page unloading) */ });
  }
}

/**
 * Starts the module for one store: remembers its settings, listens for storage events of its entries (other tabs' writes)
 * and for wake-ups (visible again, resumed from frozen, restored from the back-forward cache).
 * Returns whether the refresh lock uses Web Locks.
 */
export function start(listener, id, kind, prefix, useWebLocks, leaseMs) {
  tabId = id;
  const locks = useWebLocks && webLocksAvailable();
  config = { listener, kind, prefix, locks, leaseMs };
  if (kind === LOCAL) {
    window.addEventListener("storage", e => {
      if (e.storageArea !== window.localStorage) {
        return;
      }

      if (e.key === null) {
        notify("OnStorageCleared");
      } else if (e.key.startsWith(prefix + "session:")) {
        notify("OnStorageChanged", e.key.substring(prefix.length + 8), e.newValue);
      }
    });
  }

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      notify("OnWake");
    }
  });
  document.addEventListener("resume", () => notify("OnWake"));
  window.addEventListener("pageshow", e => {
    if (e.persisted) {
      notify("OnWake");
    }
  });
  window.addEventListener("pagehide", () => {
    // A lease this tab holds dies with it (Web Locks are released by the browser itself).
    for (const ticket of tickets.values()) {
      if (ticket.release) {
        ticket.release();
      }
    }
  });
  return locks;
}

/** Reads an entry; null when absent. Throws when storage is unavailable (disabled, or blocked by the browser). */
export function read(kind, name) {
  return area(kind).getItem(name);
}

/** Writes (or, with null, removes) an entry unconditionally. Throws QuotaExceededError when storage is full. */
export function write(kind, name, value) {
  if (value === null) {
    area(kind).removeItem(name);
  } else {
    area(kind).setItem(name, value);
  }
}

/**
 * Replaces the entry with value (null removes it) only if it still holds expected (null: absent). In localStorage the
 * compare and the write run under a short exclusive Web Lock of the entry, so two tabs cannot both win; without Web Locks
 * the two run back to back in one task (another tab's write can still land between them: the documented fallback).
 */
export async function compareAndSet(kind, name, expected, value) {
  const swap = () => {
    const current = area(kind).getItem(name);
    if (current !== expected) {
      return false;
    }

    write(kind, name, value);
    return true;
  };

  if (kind === LOCAL && config && config.locks) {
    return await navigator.locks.request(name + ":write", { mode: "exclusive" }, swap);
  }

  return swap();
}

/**
 * Waits for the refresh lock of name for at most timeoutMs. Resolves true when held (until release(ticket)), false on timeout
 * or when cancel(ticket) was called first.
 */
export function acquire(ticket, name, timeoutMs) {
  const state = { release: null, cancelled: false, abort: null };
  tickets.set(ticket, state);
  if (config && config.locks) {
    return acquireWebLock(ticket, state, name, timeoutMs);
  }

  return acquireLease(ticket, state, name, timeoutMs, (config && config.leaseMs) || 10000);
}

function acquireWebLock(ticket, state, name, timeoutMs) {
  const controller = new AbortController();
  state.abort = () => controller.abort();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  return new Promise((resolve, reject) => {
    navigator.locks.request(name, { mode: "exclusive", signal: controller.signal }, () => {
      clearTimeout(timer);
      if (state.cancelled) {
        tickets.delete(ticket);
        resolve(false);
        return undefined;
      }

      // Held until .NET releases it, or until the tab closes or crashes: the browser then releases it.
      return new Promise(done => {
        state.release = () => {
          tickets.delete(ticket);
          done();
        };
        resolve(true);
      });
    }).catch(error => {
      clearTimeout(timer);
      tickets.delete(ticket);
      if (error && error.name === "AbortError") {
        resolve(false);
      } else {
        reject(error);
      }
    });
  });
}

function readLease(name) {
  try {
    const lease = JSON.parse(window.localStorage.getItem(name) || "null");
    return lease && typeof lease.owner === "string" && typeof lease.until === "number" ? lease : null;
  } catch {
    return null;
  }
}

async function acquireLease(ticket, state, name, timeoutMs, leaseMs) {
  // The fallback where Web Locks is missing: a lease with an expiry in localStorage, written, then confirmed after a pause in
  // which a competing tab's write would have landed, and renewed while held. A tab that crashes or freezes stops renewing and
  // its lease expires after leaseMs. Best effort: two tabs can both believe they hold it in a narrow race; the refresh
  // coordinator re-reads the store after acquiring, and adopts a session another tab stored, which keeps such a race harmless
  // on servers that forgive a brief reuse (GoTrue's reuse interval, OAuth 2.0 leeway).
  const owner = tabId + ":" + ticket + ":" + newId().slice(0, 8);
  const deadline = Date.now() + timeoutMs;
  while (true) {
    if (state.cancelled) {
      tickets.delete(ticket);
      return false;
    }

    const now = Date.now();
    const current = readLease(name);
    if (!current || current.until <= now) {
      window.localStorage.setItem(name, JSON.stringify({ owner, until: now + leaseMs }));
      await delay(40 + Math.floor(Math.random() * 40));
      const confirmed = readLease(name);
      if (confirmed && confirmed.owner === owner && !state.cancelled) {
        const renew = setInterval(() => {
          const held = readLease(name);
          if (held && held.owner === owner) {
            window.localStorage.setItem(name, JSON.stringify({ owner, until: Date.now() + leaseMs }));
          }
        }, Math.max(250, Math.floor(leaseMs / 3)));
        state.release = () => {
          clearInterval(renew);
          tickets.delete(ticket);
          const held = readLease(name);
          if (held && held.owner === owner) {
            window.localStorage.removeItem(name);
          }
        };
        return true;
      }
    }

    if (Date.now() >= deadline) {
      tickets.delete(ticket);
      return false;
    }

    await delay(50 + Math.floor(Math.random() * 50));
  }
}

/** Releases a held refresh lock; nothing when the ticket holds none. */
export function release(ticket) {
  const state = tickets.get(ticket);
  if (state && state.release) {
    state.release();
  }
}

/** Gives up a wait (the .NET caller was cancelled): a lock granted later is released at once. */
export function cancel(ticket) {
  const state = tickets.get(ticket);
  if (!state) {
    return;
  }

  state.cancelled = true;
  if (state.release) {
    state.release();
  } else if (state.abort) {
    state.abort();
  }
}

/** Stops notifying .NET (the store was disposed). */
export function stop() {
  if (config) {
    config.listener = null;
  }
}
