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
let listening = false;

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

// localStorage is not coherent across tabs: each renderer process reads its own copy, and another tab's write reaches it a few
// milliseconds later, in no order with a Web Lock's grant. Seen in Chromium with four tabs taking turns under one Web Lock: about
// one grant in twelve read the value from before the previous holder's write (it showed up 0.1-7 ms later), so a tab that got
// the refresh lock could re-read the store, miss the rotation the previous holder just stored, and send a used refresh token;
// and a compare-and-set under its lock could win twice. So every lock of this module is handed over with a stamp: a holder
// that releases writes the next number to localStorage after its own writes (which reach every copy in the order written),
// records it in IndexedDB (one store, consistent across tabs) before it lets go, and the next holder, before it reads
// anything, waits until its own copy of localStorage shows that number (at most a second). Without IndexedDB, no wait.
const CATCH_UP_MS = 1000;
let stampDb = null;

function openStamps() {
  if (!stampDb) {
    stampDb = new Promise(resolve => {
      try {
        const request = indexedDB.open("sessionkit-browser", 1);
        request.onupgradeneeded = () => request.result.createObjectStore("stamps");
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => resolve(null);
        request.onblocked = () => resolve(null);
      } catch {
        resolve(null);
      }
    });
  }

  return stampDb;
}

/** Reads (next undefined) or writes the stamp of a lock in IndexedDB; 0 when IndexedDB is unavailable. */
async function stamp(lock, next) {
  const db = await openStamps();
  if (!db) {
    return 0;
  }

  return new Promise(resolve => {
    try {
      const tx = next === undefined ? db.transaction("stamps", "readonly") : db.transaction("stamps", "readwrite", { durability: "relaxed" });
      const store = tx.objectStore("stamps");
      let value = 0;
      if (next === undefined) {
        const get = store.get(lock);
        get.onsuccess = () => { value = typeof get.result === "number" ? get.result : 0; };
      } else {
        store.put(next, lock);
      }

      tx.oncomplete = () => resolve(value);
      tx.onerror = () => resolve(0);
      tx.onabort = () => resolve(0);
    } catch {
      resolve(0);
    }
  });
}

function stampKey(lock) {
  return ((config && config.prefix) || "") + "stamp:" + lock;
}

/** Taken a lock: waits until this tab's localStorage shows the last holder's writes. Returns the stamp to hand over. */
async function catchUp(lock) {
  const expected = await stamp(lock);
  const deadline = Date.now() + CATCH_UP_MS;
  let pause = 1;
  while (expected > 0 && Date.now() < deadline) {
    let seen = 0;
    try {
      seen = Number(window.localStorage.getItem(stampKey(lock))) || 0;
    } catch {
      break;
    }

    if (seen >= expected) {
      break;
    }

    await delay(pause);
    pause = Math.min(pause * 2, 16);
  }

  return expected;
}

/** About to release a lock: stamps this holder's writes for the next holder. */
async function handOver(lock, stamped) {
  try {
    window.localStorage.setItem(stampKey(lock), String(stamped + 1));
  } catch {
    return; // Storage full or blocked: this holder wrote nothing either.
  }

  await stamp(lock, stamped + 1);
}

/**
 * Starts the module for the page's store: remembers its settings, listens for storage events of its entries (other tabs'
 * writes) and for wake-ups (visible again, resumed from frozen, restored from the back-forward cache). One store per page: a
 * second start before stop() throws. Returns whether the refresh lock uses Web Locks.
 */
export function start(listener, id, kind, prefix, useWebLocks, leaseMs) {
  if (config && config.listener) {
    // The module's state is the page's: one store per page (AddBrowserStore registers a singleton). A second store would
    // silently take the first one's events and locks' settings.
    throw new Error("SessionKitAlreadyStarted: another BrowserTokenStore is started in this page");
  }

  tabId = id;
  const locks = useWebLocks && webLocksAvailable();
  config = { listener, kind, prefix, locks, leaseMs };
  if (listening) {
    // A store started again after the first was disposed: the page's listeners are in place and read the new config.
    return locks;
  }

  listening = true;
  window.addEventListener("storage", e => {
    if (!config || config.kind !== LOCAL || e.storageArea !== window.localStorage) {
      return;
    }

    if (e.key === null) {
      notify("OnStorageCleared");
    } else if (e.key.startsWith(config.prefix + "session:")) {
      notify("OnStorageChanged", e.key.substring(config.prefix.length + 8), e.newValue);
    }
  });

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
    const lock = name + ":write";
    return await navigator.locks.request(lock, { mode: "exclusive" }, async () => {
      const stamped = await catchUp(lock);
      const swapped = swap();
      if (swapped) {
        await handOver(lock, stamped);
      }

      return swapped;
    });
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
    navigator.locks.request(name, { mode: "exclusive", signal: controller.signal }, async () => {
      clearTimeout(timer);
      const stamped = state.cancelled ? 0 : await catchUp(name);
      if (state.cancelled) {
        tickets.delete(ticket);
        resolve(false);
        return undefined;
      }

      // Held until .NET releases it, or until the tab closes or crashes: the browser then releases it.
      return new Promise(done => {
        state.release = () => {
          state.release = null;
          tickets.delete(ticket);
          handOver(name, stamped).finally(done);
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
  try {
    return await leaseLoop(ticket, state, name, timeoutMs, leaseMs);
  } catch (error) {
    // Storage blocked or full (QuotaExceededError on the lease): the wait is over, and its ticket with it.
    tickets.delete(ticket);
    throw error;
  }
}

async function leaseLoop(ticket, state, name, timeoutMs, leaseMs) {
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
    // A lease that claims to last longer than a lease can (its writer's clock was ahead, or ours was set back) is expired:
    // otherwise a dead tab's lease could block every other tab for as long as the clocks disagree.
    if (!current || current.until <= now || current.until > now + leaseMs + 1000) {
      window.localStorage.setItem(name, JSON.stringify({ owner, until: now + leaseMs }));
      await delay(40 + Math.floor(Math.random() * 40));
      const confirmed = readLease(name);
      const stamped = confirmed && confirmed.owner === owner ? await catchUp(name) : 0;
      if (confirmed && confirmed.owner === owner && state.cancelled) {
        // Cancelled during the pause: the lease written above must not outlive the wait (it blocked every other tab for
        // leaseMs).
        if (readLease(name)?.owner === owner) {
          window.localStorage.removeItem(name);
        }

        tickets.delete(ticket);
        return false;
      }

      if (confirmed && confirmed.owner === owner) {
        const renew = setInterval(() => {
          const held = readLease(name);
          if (held && held.owner === owner) {
            try {
              window.localStorage.setItem(name, JSON.stringify({ owner, until: Date.now() + leaseMs }));
            } catch {
              // Storage full: the lease runs out at its expiry.
            }
          }
        }, Math.max(250, Math.floor(leaseMs / 3)));
        state.release = () => {
          state.release = null;
          clearInterval(renew);
          tickets.delete(ticket);
          // Synchronous up to the IndexedDB write, so that it still runs from pagehide.
          handOver(name, stamped);
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
