// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <summary>What is wrong with a persistent store (see <see cref="TokenStoreException"/>).</summary>
public enum TokenStoreProblem
{
    /// <summary>The file (or stored value) cannot be read (permissions changed, I/O error).</summary>
    Unreadable = 0,

    /// <summary>The file is truncated, garbage or not a SessionKit store.</summary>
    Corrupt = 1,

    /// <summary>The file does not decrypt with this store's key (the key file was replaced or lost).</summary>
    WrongKey = 2,

    /// <summary>The file was written on another machine or by another user account; sign in on this host.</summary>
    CopiedFromElsewhere = 3,

    /// <summary>
    /// The store's server is unreachable or not answering (a connection loss, a timeout, a failover, a restart): a transient
    /// failure. The stored session is kept; retry later.
    /// </summary>
    Unavailable = 4,
}
