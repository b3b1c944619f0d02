// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net.Http.Json;
using SessionKit.Internal;

namespace SessionKit;

/// <content>The refreshes: ahead of expiry, and once after a 401 to the token this handler attached.</content>
public sealed partial class SessionHandler
{
    private static bool CanResend(HttpContent? content) => content switch
    {
        null => true,
        ByteArrayContent or ReadOnlyMemoryContent or JsonContent => true,
        MultipartContent multipart => multipart.All(CanResend),
        _ => false,
    };

    /// <summary>Refreshes after a 401 to the token this handler attached; <see langword="null"/> when the 401 is returned as it is.</summary>
    private async Task<Session?> RefreshAfterUnauthorizedAsync(HttpRequestMessage request, string key, Session sent, Uri? sentUri, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // A handler below followed a redirect (rewriting the URI and dropping our header): the 401 is not about our token,
        // and a retry would carry a fresh token to wherever the redirect led.
        var answered = response.RequestMessage?.RequestUri ?? request.RequestUri;
        if (!ReferenceEquals(request.Headers.Authorization, sent.Authorization) || request.RequestUri != sentUri || answered != sentUri)
        {
            Log.UnauthorizedAfterInnerRedirect(_logger);
            return null;
        }

        if (!BearerChallenge.InvitesRefresh(response.Headers, out var challengeError))
        {
            Log.UnauthorizedNotTokenProblem(_logger, key, challengeError);
            return null;
        }

        if (!CanResend(request.Content))
        {
            Log.NotRetriable(_logger);
            return null;
        }

        Log.UnauthorizedRetry(_logger, key, sent.Version);
        Session refreshed;
        try
        {
            refreshed = await _coordinator.RefreshAsync(key, sent, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            response.Dispose();
            throw;
        }

        // The storm guard held the refresh back: a retry would send the same token. Return the 401 as it is.
        return Session.SameTokens(refreshed, sent) ? null : refreshed;
    }

    private async Task<Session> RefreshAheadAsync(string key, Session session, CancellationToken cancellationToken)
    {
        Log.ProactiveRefresh(_logger, key, session.Version);
        try
        {
            return await _coordinator.RefreshAsync(key, session, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SessionRefreshException or TokenStoreException { IsTransient: true } && _timeProvider.GetUtcNow() < session.ExpiresAt)
        {
            // The token is still valid: a failed proactive refresh (the token endpoint or the store being down) does not fail the request.
            Log.ProactiveRefreshFailed(_logger, key, ex);
            try
            {
                return await _store.GetAsync(key, cancellationToken).ConfigureAwait(false) ?? session;
            }
            catch (TokenStoreException unavailable) when (unavailable.IsTransient)
            {
                return session;
            }
        }
    }
}
