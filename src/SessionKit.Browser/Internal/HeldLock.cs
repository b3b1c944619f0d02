// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.JSInterop;

namespace SessionKit.Browser.Internal;

/// <summary>A refresh lock held in JavaScript under a ticket; disposing it releases it (once).</summary>
internal sealed class HeldLock(IJSObjectReference module, int ticket) : IAsyncDisposable
{
    private int _released;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        try
        {
            await module.InvokeVoidAsync("release", ticket).ConfigureAwait(false);
        }
        catch (JSDisconnectedException)
        {
            // The page is going away; the browser releases the lock with it.
        }
        catch (ObjectDisposedException)
        {
            // The module was disposed with the store; the browser releases the lock with the page.
        }
    }
}
