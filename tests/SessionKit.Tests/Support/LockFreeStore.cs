// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Tests.Support;

/// <summary>
/// A store that offers no refresh lock (a custom store of an app, such as a plain database table): coordinators sharing it can
/// refresh at the same time, which is how the adoption-on-rejection path is reached between holders.
/// </summary>
internal sealed class LockFreeStore(ITokenStore inner) : ITokenStore
{
    public ValueTask<Session?> GetAsync(string key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

    public ValueTask<SessionEnd?> GetEndAsync(string key, CancellationToken cancellationToken) => inner.GetEndAsync(key, cancellationToken);

    public ValueTask SetAsync(string key, Session session, CancellationToken cancellationToken) => inner.SetAsync(key, session, cancellationToken);

    public ValueTask<bool> TryReplaceAsync(string key, Session? expected, Session? replacement, CancellationToken cancellationToken) =>
        inner.TryReplaceAsync(key, expected, replacement, cancellationToken);

    public ValueTask<bool> TryEndAsync(string key, Session expected, SessionEnd end, CancellationToken cancellationToken) =>
        inner.TryEndAsync(key, expected, end, cancellationToken);

    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken) => inner.RemoveAsync(key, cancellationToken);
}
