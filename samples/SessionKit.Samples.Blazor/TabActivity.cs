// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Samples.Blazor;

/// <summary>What this tab did with the token endpoint and who wrote the session last: shown on the dashboard.</summary>
internal sealed class TabActivity
{
    private int _refreshesSent;
    private int _refreshesInFlight;

    public event EventHandler? Changed;

    /// <summary>Gets or sets this tab's id (the browser store's, once it is in use).</summary>
    public string TabId { get; set; } = Guid.NewGuid().ToString("N")[..8];

    /// <summary>Gets the refresh requests this tab sent to the token endpoint.</summary>
    public int RefreshesSent => Volatile.Read(ref _refreshesSent);

    /// <summary>Gets a value indicating whether this tab is waiting for the token endpoint's answer to a refresh.</summary>
    public bool RefreshInFlight => Volatile.Read(ref _refreshesInFlight) > 0;

    /// <summary>Gets the tab that wrote the session last (a refresh or a sign-in), when known.</summary>
    public string? LastWriter { get; private set; }

    public void RefreshSent()
    {
        Interlocked.Increment(ref _refreshesSent);
        Interlocked.Increment(ref _refreshesInFlight);
        Changed?.Invoke(this, EventArgs.Empty);
    }

    public void RefreshAnswered()
    {
        Interlocked.Decrement(ref _refreshesInFlight);
        Changed?.Invoke(this, EventArgs.Empty);
    }

    public void Written(string? writerTabId)
    {
        LastWriter = writerTabId;
        Changed?.Invoke(this, EventArgs.Empty);
    }
}
