// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using SessionKit.Internal;

namespace SessionKit;

/// <content>Redirects followed hop by hop, and the continuation that retries a 401 once and then follows them.</content>
public sealed partial class SessionHandler
{
    private static string OriginOf(Uri uri) => uri.GetLeftPart(UriPartial.Authority);

    private bool IsAllowed(Uri? uri)
    {
        if (uri is null || !uri.IsAbsoluteUri)
        {
            return false;
        }

        foreach (var origin in _allowedOrigins)
        {
            if (origin.Matches(uri))
            {
                return true;
            }
        }

        return false;
    }

    private Task<HttpResponseMessage> PassThrough(HttpRequestMessage request, Uri? uri, AuthenticationHeaderValue? callerHeader, bool callerHeaderKnown, CancellationToken cancellationToken)
    {
        var sending = base.SendAsync(request, cancellationToken);
        if (!_options.FollowRedirects || (sending.IsCompletedSuccessfully && !RedirectTarget.IsRedirect(sending.Result.StatusCode)))
        {
            return sending;
        }

        return PassThroughAsync(request, new Exchange(null, null, uri, callerHeader, callerHeaderKnown), sending, cancellationToken);
    }

    private async Task<HttpResponseMessage> PassThroughAsync(HttpRequestMessage request, Exchange exchange, Task<HttpResponseMessage> sending, CancellationToken cancellationToken)
    {
        var response = await sending.ConfigureAwait(false);
        return RedirectTarget.IsRedirect(response.StatusCode)
            ? await ContinueAsync(request, exchange, response, cancellationToken).ConfigureAwait(false)
            : response;
    }

    /// <summary>Handles the first hop's answer: one refresh and retry on a 401 to our token, then redirects, hop by hop.</summary>
    private async Task<HttpResponseMessage> ContinueAsync(HttpRequestMessage request, Exchange exchange, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var (key, sent, sentUri, callerHeader, callerHeaderKnown) = exchange;
        var firstUri = sentUri;
        var retried = false;
        var hops = 0;
        while (true)
        {
            if (sent is not null && !retried && _options.RetryOnUnauthorized && response.StatusCode == HttpStatusCode.Unauthorized)
            {
                retried = true;
                var refreshed = await RefreshAfterUnauthorizedAsync(request, key!, sent, sentUri, response, cancellationToken).ConfigureAwait(false);
                if (refreshed is null)
                {
                    return response;
                }

                response.Dispose();
                request.Headers.Authorization = refreshed.Authorization;
                sent = refreshed;
                sentUri = request.RequestUri;
                if (_telemetry.RequestRetries.Enabled)
                {
                    _telemetry.RequestRetries.Add(1);
                }

                response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    Log.UnauthorizedAfterRetry(_logger, key!, refreshed.Version);
                }
            }

            var target = _options.FollowRedirects ? RedirectTarget.Of(request.RequestUri, response) : null;
            if (target is null)
            {
                return response;
            }

            if (++hops > _options.MaxRedirects)
            {
                Log.RedirectLimitReached(_logger, _options.MaxRedirects);
                return response;
            }

            if (!callerHeaderKnown)
            {
                // A request that started at another origin: only now does its own header matter.
                callerHeader = request.Headers.Authorization is { } header && header is not SessionAuthorizationHeader ? header : null;
                callerHeaderKnown = true;
            }

            var status = response.StatusCode;
            response.Dispose();
            if (RedirectTarget.BecomesGet(status, request.Method))
            {
                request.Method = HttpMethod.Get;
                request.Content = null;
                if (request.Headers.TransferEncodingChunked == true)
                {
                    request.Headers.TransferEncodingChunked = false;
                }
            }

            var from = request.RequestUri!;
            request.RequestUri = target;
            var allowed = callerHeader is null && IsAllowed(target);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                Log.RedirectFollowed(_logger, (int)status, OriginOf(from), OriginOf(target), hops, allowed);
            }

            if (allowed)
            {
                key ??= KeyOf(request);
                sent = await AttachAsync(request, key, _store.GetAsync(key, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // Another origin gets no token; the caller's own header stays only while the origin is the original request's.
                sent = null;
                request.Headers.Authorization = callerHeader is not null && firstUri is not null && RedirectTarget.SameOrigin(target, firstUri) ? callerHeader : null;
            }

            sentUri = target;
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }
}
