// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.JSInterop;

namespace SessionKit.Browser.Internal;

/// <summary>What the JavaScript module calls back: another tab's write, storage cleared, this tab woke up.</summary>
/// <remarks>Internal, so its <see cref="JSInvokableAttribute"/> methods are not part of the public API.</remarks>
internal sealed class JsListener(BrowserTokenStore store)
{
    [JSInvokable]
    public void OnStorageChanged(string sessionKey, string? raw) => store.OnChangedElsewhere(sessionKey, raw);

    [JSInvokable]
    public void OnStorageCleared() => store.OnCleared();

    [JSInvokable]
    public void OnWake() => store.OnWake();
}
