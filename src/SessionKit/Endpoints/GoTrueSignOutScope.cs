// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <summary>Which sessions a GoTrue <c>/logout</c> ends.</summary>
public enum GoTrueSignOutScope
{
    /// <summary>Only the current session.</summary>
    Local = 0,

    /// <summary>Every session of the user, on every device.</summary>
    Global = 1,

    /// <summary>Every session of the user except the current one.</summary>
    Others = 2,
}
