// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Logging;
using SessionKit.Internal;

namespace SessionKit;

/// <content>The refresh under the lock, and the mapping of its outcome to a stored session or an exception.</content>
public sealed partial class RefreshCoordinator
{
    private async Task<(Session Session, bool Refreshed)> RefreshUnderLockAsync(string sessionKey, Session basis)
    {
        // Re-read inside the flight: a flight that finished just before this one may have rotated the session already.
        var current = await Store.GetAsync(sessionKey, CancellationToken.None).ConfigureAwait(false)
            ?? throw await NoSessionAsync(sessionKey, CancellationToken.None).ConfigureAwait(false);
        if (!Session.SameTokens(current, basis))
        {
            Log.RefreshNotNeeded(_logger, sessionKey, current.Version);
            return (current, false);
        }

        if (string.IsNullOrEmpty(current.RefreshToken))
        {
            throw new SessionRefreshException("The session has no refresh token and cannot be refreshed; sign in again.") { SessionKey = sessionKey };
        }

        Log.RefreshStarting(_logger, sessionKey, current.Version);
        if (_logger.IsEnabled(LogLevel.Trace))
        {
            Log.RefreshTokenFingerprint(_logger, sessionKey, TokenFingerprint.Of(current.RefreshToken));
        }

        var outcome = await ExecuteAsync(sessionKey, current).ConfigureAwait(false);
        if (outcome.Kind != RefreshOutcomeKind.Succeeded && outcome.Session is not null && outcome.Kind != RefreshOutcomeKind.Rejected)
        {
            // The server rotated in an answer that is otherwise unusable: store the rotated session first (the old refresh
            // token must never be sent again), then report the failure.
            await StoreRotatedButUnusableAsync(sessionKey, current, outcome).ConfigureAwait(false);
        }

        switch (outcome.Kind)
        {
            case RefreshOutcomeKind.Succeeded:
                if (outcome.Description is { } warning)
                {
                    Log.RefreshAnswerOdd(_logger, sessionKey, Redact(warning, current));
                }

                var next = current.Rotate(outcome.Session!);
                if (await Store.TryReplaceAsync(sessionKey, current, next, CancellationToken.None).ConfigureAwait(false))
                {
                    RememberObtained(sessionKey, next);
                    Log.RefreshSucceeded(_logger, sessionKey, next.Version);
                    return (next, true);
                }

                var latest = await Store.GetAsync(sessionKey, CancellationToken.None).ConfigureAwait(false)
                    ?? throw await NoSessionAsync(sessionKey, CancellationToken.None).ConfigureAwait(false);
                Log.RefreshLostRace(_logger, sessionKey, latest.Version);
                return (latest, false);

            case RefreshOutcomeKind.Rejected:
                return (await HandleRejectionAsync(sessionKey, current, outcome).ConfigureAwait(false), false);

            case RefreshOutcomeKind.Transient:
                var description = Redact(outcome.Description, current);
                Log.RefreshFailed(_logger, sessionKey, outcome.StatusCode, description);
                var followUp = outcome.Session is not null
                    ? "The rotated session was stored; the next attempt uses its refresh token."
                    : outcome.IsAmbiguous && _refresher.RefreshTokenReuseWindow != Timeout.InfiniteTimeSpan
                        ? "The request may have reached the server, which does not forgive a second use of the refresh token, so it was not sent again; the session is kept and the next attempt finds out whether it is still valid."
                        : "The session is kept; the next attempt sends the same refresh token.";
                throw new SessionRefreshException($"The session could not be refreshed: {description}. {followUp}", outcome.Exception)
                {
                    SessionKey = sessionKey,
                    IsTransient = true,
                    StatusCode = outcome.StatusCode,
                    ErrorCode = outcome.ErrorCode,
                    RetryAfter = outcome.RetryAfter,
                };

            default:
                var fault = Redact(outcome.Description, current);
                Log.RefreshFaulted(_logger, sessionKey, outcome.StatusCode, outcome.ErrorCode, fault);
                throw new SessionRefreshException(outcome.Session is not null
                    ? $"The token endpoint refreshed the session but its answer cannot be used (status {outcome.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}): {fault}. Check the server and client configuration; the rotated session was stored."
                    : $"The token endpoint refused to refresh the session (status {outcome.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, code {outcome.ErrorCode ?? "none"}): {fault}. Check the client configuration (URL, API key, client id and secret); the session is kept.")
                {
                    SessionKey = sessionKey,
                    IsTransient = false,
                    StatusCode = outcome.StatusCode,
                    ErrorCode = outcome.ErrorCode,
                };
        }
    }

    /// <summary>Stores the session carried by a Transient or Faulted outcome (a rotation in an unusable answer) and raises <see cref="SessionRefreshed"/>.</summary>
    private async Task StoreRotatedButUnusableAsync(string sessionKey, Session current, RefreshOutcome outcome)
    {
        var rotated = current.Rotate(outcome.Session!);
        if (await Store.TryReplaceAsync(sessionKey, current, rotated, CancellationToken.None).ConfigureAwait(false))
        {
            RememberObtained(sessionKey, rotated);
            Log.RefreshSucceeded(_logger, sessionKey, rotated.Version);
            Raise(SessionRefreshed, new SessionRefreshedEventArgs(sessionKey, rotated), nameof(SessionRefreshed));
            return;
        }

        var latest = await Store.GetAsync(sessionKey, CancellationToken.None).ConfigureAwait(false);
        Log.RefreshLostRace(_logger, sessionKey, latest?.Version ?? -1);
    }
}
