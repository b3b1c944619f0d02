// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using SessionKit.Internal;

namespace SessionKit.Benchmarks;

/// <summary>
/// The breakdown: handlers that each add one of the hot path's steps to the fixed-header floor, built from the same internal
/// parts <see cref="SessionHandler"/> uses (the <see cref="ITokenStore"/> behind the interface, <see cref="AllowedOrigin"/>,
/// <see cref="Session.IsExpiring"/> against the coordinator's <see cref="TimeProvider"/>, the session's cached
/// <see cref="SessionAuthorizationHeader"/>). Each level does what the one before does, plus one step; a request off the hot
/// path (no session, an expiring one, another origin) throws, since the benchmark never sends one.
/// </summary>
public partial class HotPathBenchmarks
{
    /// <summary>Store read (the session must be there), fixed header.</summary>
    internal sealed class StoreReadHandler(ITokenStore store, string key, AuthenticationHeaderValue fixedHeader) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var read = store.GetAsync(key, cancellationToken);
            if (!read.IsCompletedSuccessfully || read.Result is null)
            {
                throw OffHotPath();
            }

            request.Headers.Authorization = fixedHeader;
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Store read and origin check, fixed header.</summary>
    internal sealed class OriginCheckHandler(ITokenStore store, string key, AllowedOrigin[] origins, AuthenticationHeaderValue fixedHeader) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!IsAllowed(origins, request.RequestUri))
            {
                throw OffHotPath();
            }

            var read = store.GetAsync(key, cancellationToken);
            if (!read.IsCompletedSuccessfully || read.Result is null)
            {
                throw OffHotPath();
            }

            request.Headers.Authorization = fixedHeader;
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Store read, origin check and expiry check, fixed header.</summary>
    internal sealed class ExpiryCheckHandler(ITokenStore store, string key, AllowedOrigin[] origins, TimeProvider clock, TimeSpan margin, AuthenticationHeaderValue fixedHeader) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!IsAllowed(origins, request.RequestUri))
            {
                throw OffHotPath();
            }

            var read = store.GetAsync(key, cancellationToken);
            if (!read.IsCompletedSuccessfully || read.Result is not { } session || session.IsExpiring(clock.GetUtcNow(), margin))
            {
                throw OffHotPath();
            }

            request.Headers.Authorization = fixedHeader;
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Store read, origin check, expiry check, the caller's header left alone and the session's header attached.</summary>
    internal sealed class SessionHeaderHandler(ITokenStore store, string key, AllowedOrigin[] origins, TimeProvider clock, TimeSpan margin) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!IsAllowed(origins, request.RequestUri) || request.Headers.Authorization is { } header && header is not SessionAuthorizationHeader)
            {
                throw OffHotPath();
            }

            var read = store.GetAsync(key, cancellationToken);
            if (!read.IsCompletedSuccessfully || read.Result is not { } session || session.IsExpiring(clock.GetUtcNow(), margin))
            {
                throw OffHotPath();
            }

            request.Headers.Authorization = session.Authorization;
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Everything above, and the answer looked at for a 401 or a redirect: the floor of a handler that must do these checks.</summary>
    internal sealed class ResponseCheckHandler(ITokenStore store, string key, AllowedOrigin[] origins, TimeProvider clock, TimeSpan margin) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!IsAllowed(origins, request.RequestUri) || request.Headers.Authorization is { } header && header is not SessionAuthorizationHeader)
            {
                throw OffHotPath();
            }

            var read = store.GetAsync(key, cancellationToken);
            if (!read.IsCompletedSuccessfully || read.Result is not { } session || session.IsExpiring(clock.GetUtcNow(), margin))
            {
                throw OffHotPath();
            }

            request.Headers.Authorization = session.Authorization;
            var sending = base.SendAsync(request, cancellationToken);
            if (!sending.IsCompletedSuccessfully)
            {
                throw OffHotPath();
            }

            var status = sending.Result.StatusCode;
            return status == HttpStatusCode.Unauthorized || RedirectTarget.IsRedirect(status) ? throw OffHotPath() : sending;
        }
    }

    private static bool IsAllowed(AllowedOrigin[] origins, Uri? uri)
    {
        if (uri is null || !uri.IsAbsoluteUri)
        {
            return false;
        }

        foreach (var origin in origins)
        {
            if (origin.Matches(uri))
            {
                return true;
            }
        }

        return false;
    }

    private static InvalidOperationException OffHotPath() => new("The hot-path benchmark sent a request off the hot path.");
}
